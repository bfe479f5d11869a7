package uk.childlink.population.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.access.AuditedChildren;
import uk.childlink.access.Caller;
import uk.childlink.access.OwnFiles;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Pipeline;

/**
 * FHIR Bulk Data export ({@code $export}, HAPI's provider) as ChildLink allows it: an admin exports anything; anyone
 * else the children their organisation is related to today ({@code Patient/$export}, turned into an export of those
 * patients, whose records are checked again as they are written: {@link ExportWrites}). Each export is its
 * requester's own: its status and files are known only to the caller who asked (anyone else: 404, as for something
 * that does not exist); a {@code _typeFilter} HAPI would only find broken once the job runs is refused at kick-off
 * (400); the children it will take are recorded in the kick-off's audit record (their councils read it).
 */
@Interceptor(order = Pipeline.Order.EXPORT)
final class ExportRules {

	static final String REQUESTER = "childlink-requester";
	/** The kick-off option that asks for a pseudonymised extract (docs/population.md). */
	static final String PSEUDONYMISE = "pseudonymise";

	private final FhirContext fhir;
	private final MatchUrlService matchUrls;
	private final IJobCoordinator jobs;
	private final JdbcTemplate sql;
	private final ExportFiles files;
	private final RelatedOrganisations related;
	private final IJobMaintenanceService maintenance;
	/** The scheduler's pass asked for, on its own thread (a poll does not wait for it); one at a time. */
	private final Executor passes = Executors.newSingleThreadExecutor(
			runnable -> {
				Thread thread = new Thread(runnable, "childlink-export-passes");
				thread.setDaemon(true);
				return thread;
			});
	private final AtomicBoolean passing = new AtomicBoolean();

	ExportRules(FhirContext fhir, MatchUrlService matchUrls, IJobCoordinator jobs, IJobMaintenanceService maintenance,
			DataSource dataSource, ExportFiles files, RelatedOrganisations related) {
		this.related = related;
		this.maintenance = maintenance;
		this.files = files;
		this.fhir = fhir;
		this.matchUrls = matchUrls;
		this.jobs = jobs;
		this.sql = new JdbcTemplate(dataSource);
	}

	/**
	 * Before HAPI starts the job (its parameters are stored after this): the requester, the filters, the audit; and an
	 * export by anyone but an admin narrowed to the children their organisation is related to.
	 */
	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void kickOff(BulkExportJobParameters parameters, RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		boolean pseudonymised = pseudonymised(request);
		if (caller == null) {
			if (pseudonymised) {
				throw new InvalidRequestException("A pseudonymised extract is keyed to the organisation that receives "
						+ "it, known from the caller's token: this server runs without access control");
			}
			return; // the server's own export, or access control off
		}
		for (String filter : parameters.getFilters()) {
			checkFilter(filter, parameters.getResourceTypes());
		}
		parameters.setUserData(REQUESTER, requester(caller));
		if (pseudonymised) {
			checkNamesNoOne(parameters);
			parameters.setUserData(ExportWrites.PSEUDONYMS_FOR, recipient(caller));
		}
		if (caller.isAdmin()) {
			AuditedChildren.add(request, children(parameters));
			return;
		}
		List<String> children = relatedChildren(caller, parameters);
		parameters.setPatientIds(children);
		parameters.setUserData(ExportWrites.ORGANISATION, related.organisationOf(caller).orElseThrow());
		AuditedChildren.add(request, children);
	}

	/**
	 * Whether the kick-off asks for a pseudonymised extract: {@code pseudonymise=true} in its URL or, for a POST, in
	 * its Parameters body (HAPI keeps the parsed body in the request's user data; its provider ignores a parameter it
	 * does not know). Anything but one {@code true} or {@code false} is refused: an extract must never come out
	 * identifiable because an option was misspelt in its value.
	 */
	private static boolean pseudonymised(RequestDetails request) {
		List<String> values = new ArrayList<>();
		request.getParameters().forEach((name, given) -> option(name, List.of(given), values));
		for (Object data : request.getUserData().values()) {
			if (data instanceof Parameters body) {
				body.getParameter().forEach(p -> option(p.getName(),
						List.of(p.getValue() == null ? "" : p.getValue().primitiveValue()), values));
			}
		}
		if (values.isEmpty()) {
			return false;
		}
		if (values.size() > 1 || !values.get(0).equals("true") && !values.get(0).equals("false")) {
			throw new InvalidRequestException(PSEUDONYMISE + " is given once, true or false; was " + values
					+ "; nothing was exported");
		}
		return values.get(0).equals("true");
	}

	/** Collects the option's values; a parameter that looks like it but is not it is refused (400). */
	private static void option(String name, List<String> given, List<String> values) {
		if (PSEUDONYMISE.equals(name)) {
			values.addAll(given);
		} else if (name != null && name.toLowerCase(Locale.ROOT).contains("pseudonym")) {
			throw new InvalidRequestException("Unknown parameter '" + name + "': the option is " + PSEUDONYMISE
					+ "=true; nothing was exported");
		}
	}

	/**
	 * The recipient a pseudonymised extract is keyed to: the caller's registered organisation (its Organization id, so
	 * that the pseudonyms do not change with how a token spells the organisation's code).
	 */
	private String recipient(Caller caller) {
		if (!caller.roles().contains(Caller.ANALYST)) {
			throw new ForbiddenOperationException("A pseudonymised extract is for a caller granted the "
					+ Caller.ANALYST + " role; nothing was exported");
		}
		return "Organization/" + related.organisationOf(caller).orElseThrow(() -> new ForbiddenOperationException(
				"A pseudonymised extract is keyed to the registered organisation that receives it; your token's ("
						+ caller.organisationText() + ") is not registered; nothing was exported"));
	}

	/**
	 * A pseudonymised extract takes every child the caller may export, found by no one's identity: naming a child
	 * ({@code patient}, {@code Patient/{id}/$export}) or filtering on who they are (an identifier, a name, a birth date,
	 * a reference to a child) would hand the recipient that child's pseudonym, and with it every extract it holds.
	 */
	private static void checkNamesNoOne(BulkExportJobParameters parameters) {
		if (!parameters.getPatientIds().isEmpty()) {
			throw new InvalidRequestException("A pseudonymised extract takes all the children you may export: naming "
					+ "a child would tell you its pseudonym; nothing was exported");
		}
		for (String filter : parameters.getFilters()) {
			if (filter.startsWith("Patient?") || filter.contains("Patient/")) {
				throw new InvalidRequestException("_typeFilter '" + filter + "' picks children by who they are, "
						+ "which a pseudonymised extract does not allow; nothing was exported");
			}
			for (String criterion : filter.substring(filter.indexOf('?') + 1).split("&")) {
				String parameter = criterion.split("=", 2)[0];
				String name = parameter.split("[:.]", 2)[0];
				if (PERSON_SEARCHES.contains(name) || parameter.contains(".")) {
					throw new InvalidRequestException("_typeFilter '" + filter + "' searches by '" + name + "', who "
							+ "someone is, which a pseudonymised extract does not allow; nothing was exported");
				}
			}
		}
	}

	/** Search parameters that find a person, or a record by the person it is about. */
	private static final Set<String> PERSON_SEARCHES = Set.of("_id", "identifier", "name", "family", "given",
			"phonetic", "birthdate", "death-date", "phone", "email", "telecom", "address", "address-postalcode",
			"address-city", "patient", "subject", "beneficiary", "link", "_has");

	/**
	 * The children an organisation's export takes: those it is related to today, all of them or those it names
	 * ({@code patient}); a child it is not related to is not known to it (404), as for a read.
	 */
	private List<String> relatedChildren(Caller caller, BulkExportJobParameters parameters) {
		if (parameters.getExportStyle() != BulkExportJobParameters.ExportStyle.PATIENT) {
			throw new ForbiddenOperationException("An export of every child or of a group is for an admin: export the "
					+ "children your organisation is related to with Patient/$export (or name them: "
					+ "Patient/$export?patient=Patient/{id})");
		}
		String organisation = related.organisationOf(caller).orElseThrow(() -> new ForbiddenOperationException(
				"Your token's organisation (" + caller.organisationText() + ") is not registered: it has no children "
						+ "to export"));
		Set<String> mine = new LinkedHashSet<>();
		related.childrenOf(organisation).forEach(child -> mine.add("Patient/" + child));
		List<String> asked = parameters.getPatientIds().stream()
				.map(id -> id.startsWith("Patient/") ? id : "Patient/" + id).toList();
		for (String child : asked) {
			if (!mine.contains(child)) {
				throw new ResourceNotFoundException(child + " is not known");
			}
		}
		List<String> children = asked.isEmpty() ? List.copyOf(mine) : asked;
		if (children.isEmpty()) {
			// HAPI reads an export of no named patient as one of every patient: never that
			throw new ForbiddenOperationException("Your organisation has no relationship with any child today: there "
					+ "is nothing for it to export");
		}
		return children;
	}

	/**
	 * Someone else's export is not known to the caller; its files are the read rules' ({@code OwnFiles}: a file is
	 * read by whoever asked for its export, on every path). Binary resources are not searched or listed: finding
	 * one's files costs what one may see (the status URL lists them).
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void ownExportsOnly(RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null) {
			return;
		}
		if ("Binary".equals(request.getResourceName()) && (request.getId() == null || !request.getId().hasIdPart())) {
			throw new ForbiddenOperationException("Bulk export files are not searched or listed: each export's status "
					+ "URL lists its own");
		}
		if ("$export-poll-status".equals(request.getOperation())) {
			// fail closed: one job, named in the query (HAPI would also take it from a POSTed Parameters body)
			String[] job = request.getParameters().get("_jobId");
			if (request.getRequestType() == RequestTypeEnum.POST || job == null || job.length != 1) {
				throw new InvalidRequestException("$export-poll-status takes one _jobId, in the URL: use the status "
						+ "URL the export's kick-off answered with (GET to poll, DELETE to cancel)");
			}
			if (!requester(caller).equals(requesterOf(job[0]))) {
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
				&& request.getRequestType() == RequestTypeEnum.DELETE) {
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

	/** The caller as an export's owner: a digest of who issued their token and whom it names. */
	static String requester(Caller caller) {
		return OwnFiles.ownerOf(caller);
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
