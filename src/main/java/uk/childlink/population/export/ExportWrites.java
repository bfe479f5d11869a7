package uk.childlink.population.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.access.OwnFiles;
import uk.childlink.platform.Pipeline;

/**
 * What an export writes. An organisation's export is checked resource by resource as HAPI writes it (the second line behind the narrowing to
 * its children at kick-off, as the consent check is for a search): a resource goes in only when every child it is
 * about is one of the export's children; never the server's access grants, another organisation's worklist, or the
 * audit trail. HAPI asks this on its storage broadcaster, without the request (the job runs later, on its own
 * threads), so what it needs travels in the job's parameters. An admin's export is not checked. A pseudonymised extract's resources are
 * pseudonymised as they are taken ({@link Pseudonymiser}). And each export file is stamped with its owner.
 */
@Interceptor(order = Pipeline.Order.EXPORT_WRITES)
final class ExportWrites {

	/** The exporting organisation's id, in the job's parameters; absent in an admin's export. */
	static final String ORGANISATION = "childlink-organisation";
	/** The recipient of a pseudonymised extract (its registered {@code Organization/id}), in the job's parameters. */
	static final String PSEUDONYMS_FOR = "childlink-pseudonyms-for";
	private static final String GRANT_TAG = "https://fhir.childlink.uk/access";

	private static final Logger LOG = LoggerFactory.getLogger(ExportWrites.class);
	/** The server's own records about a child: never in an organisation's export nor in any pseudonymised extract. */
	private static final Set<String> SERVER_RECORDS = Set.of("AuditEvent", "Subscription");

	private final FhirContext fhir;
	private final IJobCoordinator jobs;
	private final PseudonymKeys keys;
	/** Each job's children as a set, for the chunk being written (a few jobs at a time). */
	private final Map<List<String>, Set<String>> childrenOfJob = new LinkedHashMap<>(8, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<List<String>, Set<String>> eldest) {
			return size() > 8;
		}
	};

	ExportWrites(FhirContext fhir, IJobCoordinator jobs, PseudonymKeys keys) {
		this.fhir = fhir;
		this.keys = keys;
		this.jobs = jobs;
	}

	/**
	 * Each file HAPI writes for an export carries its requester's key ({@link OwnFiles}): the read rules then show it
	 * to them alone, on every path a Binary can be read by.
	 */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void fileCreated(IBaseResource resource) {
		stamp(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void fileUpdated(IBaseResource previous, IBaseResource resource) {
		stamp(resource);
	}

	private void stamp(IBaseResource resource) {
		if (!(resource instanceof Binary file)) {
			return;
		}
		file.getMeta().getTag().removeIf(tag -> OwnFiles.TAG_SYSTEM.equals(tag.getSystem())
				|| ExportFiles.JOB_TAG.equals(tag.getSystem()));
		Extension job = file.getMeta().getExtensionByUrl(ExportFiles.JOB_EXTENSION);
		if (job == null) {
			return; // not an export's: an admin's (the read rules)
		}
		String jobId = job.getValue().primitiveValue();
		// the job as a tag too: ExportFiles finds each file's export in the tag table, without reading the file
		file.getMeta().addTag(ExportFiles.JOB_TAG, jobId, "The export that wrote this file");
		Object owner = jobs.getInstance(jobId).getParameters(BulkExportJobParameters.class)
				.getUserData().get(ExportRules.REQUESTER);
		if (owner != null) {
			file.getMeta().addTag(OwnFiles.TAG_SYSTEM, owner.toString(), "The caller who asked for the export");
		}
	}

	/**
	 * Whether the export takes this resource; in a pseudonymised extract, the resource is pseudonymised here too, in
	 * place (HAPI writes the object it asked about).
	 */
	@Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
	public boolean include(BulkExportJobParameters parameters, IBaseResource resource) {
		Object recipient = parameters.getUserData().get(PSEUDONYMS_FOR);
		if (!mayTake(parameters, resource) || recipient != null && !pseudonymisable(resource)) {
			return false;
		}
		if (recipient != null) {
			try {
				keys.forRecipient(recipient.toString()).apply((Resource) resource);
			} catch (Pseudonymiser.CannotRemove e) {
				LOG.warn("{} left out of a pseudonymised extract: {}", resource.getIdElement().toUnqualifiedVersionless(),
						e.getMessage());
				return false;
			}
		}
		return true;
	}

	private boolean mayTake(BulkExportJobParameters parameters, IBaseResource resource) {
		Object organisation = parameters.getUserData().get(ORGANISATION);
		if (organisation == null) {
			return true; // an admin's export
		}
		String type = fhir.getResourceType(resource);
		if (isGrant(resource) || SERVER_RECORDS.contains(type)) {
			return false; // who else is related to the child, who read what: the server's business
		}
		if (resource instanceof Task task && !("Organization/" + organisation).equals(task.getOwner().getReference())) {
			return false; // another organisation's worklist
		}
		Set<String> children = children(parameters.getPatientIds());
		List<IIdType> about = fhir.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of());
		if (type.equals("Patient")) {
			return children.contains("Patient/" + resource.getIdElement().getIdPart());
		}
		return !about.isEmpty() && about.stream().allMatch(owner -> !"Patient".equals(owner.getResourceType())
				|| children.contains("Patient/" + owner.getIdPart()));
	}

	/**
	 * What a pseudonymised extract never takes, an admin's included: files (their content cannot be pseudonymised),
	 * stored Bundles (their entries' addresses and requests name what they hold), the audit trail, subscriptions, and
	 * the server's access grants.
	 */
	private boolean pseudonymisable(IBaseResource resource) {
		String type = fhir.getResourceType(resource);
		return !isGrant(resource) && !SERVER_RECORDS.contains(type) && !type.equals("Binary") && !type.equals("Bundle");
	}

	private static boolean isGrant(IBaseResource resource) {
		return resource instanceof Basic basic && basic.getMeta().getTag().stream()
				.anyMatch(tag -> GRANT_TAG.equals(tag.getSystem()));
	}

	private Set<String> children(List<String> patientIds) {
		synchronized (childrenOfJob) {
			return childrenOfJob.computeIfAbsent(patientIds, ids -> {
				Set<String> set = new HashSet<>();
				ids.forEach(id -> set.add(id.startsWith("Patient/") ? id : "Patient/" + id));
				return set;
			});
		}
	}
}
