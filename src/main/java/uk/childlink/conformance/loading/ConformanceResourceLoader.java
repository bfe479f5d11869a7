package uk.childlink.conformance.loading;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.IHapiBootOrder;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Loads ChildLink's published conformance resources ({@code fhir-profiles/} and {@code terminology/}, packaged on the
 * classpath) into the server before it takes traffic. Each is stored under its own fixed id, so loading is
 * idempotent: HAPI does not version an update that changes nothing. Plain SearchParameters go first and the search
 * parameter registry is refreshed, so that composite (unique) ones can name them. Files under an {@code examples}
 * folder are not loaded.
 */
@Component
class ConformanceResourceLoader {

	private static final Logger log = LoggerFactory.getLogger(ConformanceResourceLoader.class);

	private final DaoRegistry daoRegistry;
	private final ISearchParamRegistry searchParamRegistry;
	private final IValidationSupport validationSupport;
	private final ConformanceFiles files;
	private final JdbcTemplate sql;

	ConformanceResourceLoader(ConformanceFiles files, DaoRegistry daoRegistry, ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport, DataSource dataSource) {
		this.files = files;
		this.sql = new JdbcTemplate(dataSource);
		this.daoRegistry = daoRegistry;
		this.searchParamRegistry = searchParamRegistry;
		this.validationSupport = validationSupport;
	}

	/**
	 * HAPI's own start-up order: after its batch job definitions are registered (storing a SearchParameter starts a
	 * reindex job) and its interceptors, before the application reports ready. Readiness stays down until this has
	 * run. (The port is already open by then: a client that ignores readiness on a very first start could write
	 * before the one-record-per-child search parameters exist.)
	 */
	@EventListener(ContextRefreshedEvent.class)
	@Order(IHapiBootOrder.REGISTER_INTERCEPTORS + 1)
	public void load() {
		long start = System.nanoTime();
		List<IBaseResource> resources = files.resources();
		int changed = 0;
		for (int order = 0; order <= 3; order++) {
			int changedBefore = changed;
			// one per order: it sees what the orders before stored (the extensions a profile uses); see withSnapshot
			SnapshotGeneratingValidationSupport snapshots = new SnapshotGeneratingValidationSupport(
					validationSupport.getFhirContext(), new WorkerContextValidationSupportAdapter(validationSupport));
			for (IBaseResource resource : resources) {
				if (loadOrder(resource) == order) {
					changed += store(resource, snapshots) ? 1 : 0;
				}
			}
			if (changed > changedBefore) {
				searchParamRegistry.forceRefresh();
			}
		}
		log.info("Conformance resources: {} loaded, {} new or changed, in {} ms",
				resources.size(), changed, (System.nanoTime() - start) / 1_000_000);
	}

	@SuppressWarnings("rawtypes")
	private static boolean unchanged(IFhirResourceDao dao, IBaseResource resource) {
		try {
			org.hl7.fhir.r4.model.Resource stored = ((org.hl7.fhir.r4.model.Resource)
					dao.read(resource.getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails())).copy();
			org.hl7.fhir.r4.model.Resource wanted = ((org.hl7.fhir.r4.model.Resource) resource).copy();
			if (stored instanceof StructureDefinition sd && !((StructureDefinition) wanted).hasSnapshot()) {
				sd.setSnapshot(null); // generated from the differential when it was stored, with the base's mappings
				sd.setMapping(((StructureDefinition) wanted).getMapping());
			}
			stored.setMeta(null);
			wanted.setMeta(null);
			stored.setIdElement(null);
			wanted.setIdElement(null);
			return stored.equalsDeep(wanted);
		} catch (ResourceNotFoundException | ResourceGoneException notStoredYet) {
			return false;
		}
	}

	/**
	 * 0: plain search parameters, 1: composite ones (they name the plain ones), 2: terminology, extensions and the
	 * rest, 3: profiles (their snapshots take in the extensions they use).
	 */
	private static int loadOrder(IBaseResource resource) {
		if (resource instanceof SearchParameter sp) {
			return sp.getType() == SearchParamType.COMPOSITE ? 1 : 0;
		}
		if (resource instanceof StructureDefinition sd && !"Extension".equals(sd.getType())) {
			return 3;
		}
		return 2;
	}

	/**
	 * Our StructureDefinitions are written as differentials; readers and validators want the snapshot too. One
	 * generator, with one worker context, for all the definitions of a load order: HAPI's default makes a new worker
	 * context for each snapshot, which converts all 650-odd definitions it knows to R5 again first (on a first start
	 * that was most of the 17-20 s the loading took).
	 */
	private IBaseResource withSnapshot(IBaseResource resource, SnapshotGeneratingValidationSupport snapshots) {
		if (!(resource instanceof StructureDefinition sd) || sd.hasSnapshot()) {
			return resource;
		}
		IBaseResource generated = snapshots.generateSnapshot(
				new ValidationSupportContext(validationSupport), sd, sd.getUrl(), null, sd.getName());
		if (generated == null || !((StructureDefinition) generated).hasSnapshot()) {
			throw new IllegalStateException("Could not generate the snapshot of " + sd.getUrl());
		}
		return generated;
	}

	/**
	 * Stores the resource under its id; true when that made a new version. An identical stored copy is left alone
	 * without an update (HAPI would detect the no-op too, but only after re-indexing it: seconds at each start).
	 * Retries once if another server raced it.
	 */
	@SuppressWarnings({"unchecked", "rawtypes"})
	private boolean store(IBaseResource resource, SnapshotGeneratingValidationSupport snapshots) {
		IFhirResourceDao dao = daoRegistry.getResourceDao(resource);
		if (unchanged(dao, resource)) {
			return false;
		}
		// on a copy: the shared one stays as read
		resource = withSnapshot(((org.hl7.fhir.r4.model.Resource) resource).copy(), snapshots);
		SystemRequestDetails request = new SystemRequestDetails();
		if (resource instanceof SearchParameter sp && nothingToReindex(sp)) {
			// HAPI would start a reindex job and rebuild its registry for each one: on a first start that was half
			// of the loading. The registry is refreshed once per load order instead (load)
			request.getUserData().put(JpaConstants.SKIP_REINDEX_ON_UPDATE, true);
		}
		try {
			return !((DaoMethodOutcome) dao.update(resource, request)).isNop();
		} catch (ResourceVersionConflictException raced) {
			return !((DaoMethodOutcome) dao.update(resource, request)).isNop();
		}
	}

	/** No stored resource of a type the search parameter applies to: there is nothing to index again. */
	private boolean nothingToReindex(SearchParameter sp) {
		List<String> bases = sp.getBase().stream().map(base -> base.getCode()).toList();
		if (bases.isEmpty() || bases.contains("Resource") || bases.contains("DomainResource")) {
			return false;
		}
		return !sql.queryForObject("SELECT EXISTS (SELECT 1 FROM hfj_resource WHERE res_deleted_at IS NULL AND res_type IN ("
				+ String.join(",", Collections.nCopies(bases.size(), "?")) + "))", Boolean.class, bases.toArray());
	}
}
