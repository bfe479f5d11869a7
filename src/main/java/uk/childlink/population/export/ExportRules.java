package uk.childlink.population.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.access.AuditedChildren;
import uk.childlink.access.Caller;
import uk.childlink.platform.Pipeline;

/**
 * FHIR Bulk Data export ({@code $export}, HAPI's provider) as ChildLink allows it: for an admin (the operations are
 * not in the gate's table, so the gate refuses anyone else), each export the requester's own: its status and files are
 * known only to the caller who asked (anyone else: 404, as for something that does not exist); a {@code _typeFilter}
 * HAPI would only find broken once the job runs is refused at kick-off (400); the children it will take are recorded
 * in the kick-off's audit record (their councils read it). Binary resources are the export files only, so they are for
 * an admin alone.
 */
@Interceptor(order = Pipeline.Order.EXPORT)
final class ExportRules {

	static final String REQUESTER = "childlink-requester";

	private final FhirContext fhir;
	private final MatchUrlService matchUrls;
	private final IJobCoordinator jobs;
	private final JdbcTemplate sql;
	private final ExportFiles files;
	private final IJobMaintenanceService maintenance;
	/** The scheduler's pass asked for, on its own thread (a poll does not wait for it); one at a time. */
	private final java.util.concurrent.Executor passes = java.util.concurrent.Executors.newSingleThreadExecutor(
			runnable -> {
				Thread thread = new Thread(runnable, "childlink-export-passes");
				thread.setDaemon(true);
				return thread;
			});
	private final java.util.concurrent.atomic.AtomicBoolean passing = new java.util.concurrent.atomic.AtomicBoolean();

	ExportRules(FhirContext fhir, MatchUrlService matchUrls, IJobCoordinator jobs, IJobMaintenanceService maintenance,
			DataSource dataSource, ExportFiles files) {
		this.maintenance = maintenance;
		this.files = files;
		this.fhir = fhir;
		this.matchUrls = matchUrls;
		this.jobs = jobs;
		this.sql = new JdbcTemplate(dataSource);
	}

	/** Before HAPI starts the job (its parameters are stored after this): the requester, the filters, the audit. */
	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void kickOff(BulkExportJobParameters parameters, RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null) {
			return; // the server's own export, or access control off
		}
		for (String filter : parameters.getFilters()) {
			checkFilter(filter, parameters.getResourceTypes());
		}
		parameters.setUserData(REQUESTER, requester(caller));
		AuditedChildren.add(request, children(parameters));
	}

	/** Someone else's export, or its files, are not known to the caller. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void ownExportsOnly(RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null) {
			return;
		}
		if ("Binary".equals(request.getResourceName())) {
			if (!caller.isAdmin()) {
				throw new ForbiddenOperationException("Binary resources here are bulk export files: for the admin who "
						+ "asked for the export");
			}
			if (request.getRestOperationType() == ca.uhn.fhir.rest.api.RestOperationTypeEnum.SEARCH_TYPE) {
				throw new ForbiddenOperationException("Bulk export files are not searched: each export's status URL "
						+ "lists its own");
			}
			if (request.getId() != null && request.getId().hasIdPart()) {
				String job = files.jobOf(request.getId().getIdPart());
				if (job != null && !requester(caller).equals(requesterOf(job))) {
					throw new ResourceNotFoundException("Binary/" + request.getId().getIdPart() + " is not known");
				}
			}
		}
		if ("$export-poll-status".equals(request.getOperation())) {
			String[] job = request.getParameters().get("_jobId");
			if (job != null && job.length == 1 && !requester(caller).equals(requesterOf(job[0]))) {
				throw new ResourceNotFoundException("Export " + job[0] + " is not known");
			}
		}
	}

	/**
	 * After a kick-off or a poll, HAPI's job scheduler is asked to move the exports on now (it otherwise looks once a
	 * minute, and an export takes two of its passes); a cancelled export's files go at once (ExportFiles), not at the
	 * next look.
	 */
	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void movedOn(RequestDetails request) {
		String operation = request.getOperation();
		if ("$export-poll-status".equals(operation)
				&& request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.DELETE) {
			files.wakeUp();
		} else if (("$export".equals(operation) || "$export-poll-status".equals(operation))
				&& passing.compareAndSet(false, true)) {
			passes.execute(() -> {
				try {
					maintenance.runMaintenancePass(); // one at a time across processes: HAPI locks it
				} finally {
					passing.set(false);
				}
			});
		}
	}

	private String requesterOf(String job) {
		try {
			JobInstance instance = jobs.getInstance(job);
			Object requester = instance.getParameters(BulkExportJobParameters.class).getUserData().get(REQUESTER);
			return requester == null ? null : requester.toString();
		} catch (ResourceNotFoundException e) {
			return null;
		}
	}

	/** The caller as an export's owner: who issued their token and whom it names. */
	static String requester(Caller caller) {
		return Objects.toString(caller.issuer(), "") + "|" + Objects.toString(caller.subject(), "");
	}

	/**
	 * A {@code _typeFilter} is a search of one of the exported types, {@code Observation?code=...}: checked now, as
	 * HAPI would only fail the job (a 500 at the status URL) or, without the {@code ?}, ignore it.
	 */
	private void checkFilter(String filter, List<String> types) {
		int mark = filter.indexOf('?');
		String type = mark < 0 ? null : filter.substring(0, mark);
		if (type == null || !fhir.getResourceTypes().contains(type)) {
			throw new InvalidRequestException("_typeFilter '" + filter + "' is not a search of a resource type, "
					+ "such as Observation?code=http://loinc.org|29463-7");
		}
		if (types != null && !types.isEmpty() && !types.contains(type)) {
			throw new InvalidRequestException("_typeFilter '" + filter + "' searches " + type + ", which _type does "
					+ "not export (" + String.join(",", types) + ")");
		}
		try {
			matchUrls.translateMatchUrl(filter, fhir.getResourceDefinition(type));
		} catch (RuntimeException e) {
			throw new InvalidRequestException("_typeFilter '" + filter + "' is not a search the server can run: "
					+ e.getMessage());
		}
	}

	/** The children whose records the export may take: the named patients, the group's members, or every child. */
	private List<String> children(BulkExportJobParameters parameters) {
		return switch (parameters.getExportStyle()) {
			case PATIENT -> parameters.getPatientIds().isEmpty() ? everyChild()
					: parameters.getPatientIds().stream().map(id -> id.startsWith("Patient/") ? id : "Patient/" + id).toList();
			case GROUP -> sql.queryForList("SELECT 'Patient/' || t.fhir_id FROM hfj_res_link l "
					+ "JOIN hfj_resource g ON g.res_id = l.src_resource_id JOIN hfj_resource t ON t.res_id = l.target_resource_id "
					+ "WHERE g.res_type = 'Group' AND g.fhir_id = ? AND l.src_path = 'Group.member.entity' "
					+ "AND t.res_type = 'Patient'", String.class, idPart(parameters.getGroupId()));
			case SYSTEM -> everyChild();
		};
	}

	private List<String> everyChild() {
		return sql.queryForList("SELECT 'Patient/' || fhir_id FROM hfj_resource WHERE res_type = 'Patient' "
				+ "AND res_deleted_at IS NULL", String.class);
	}

	private static String idPart(String reference) {
		return reference == null ? null : reference.substring(reference.lastIndexOf('/') + 1);
	}
}
