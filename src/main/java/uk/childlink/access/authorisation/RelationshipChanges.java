package uk.childlink.access.authorisation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Keeps the remembered relationships honest: any write of a child's record (through the API, an import or the
 * server's own work) may start or move a relationship, and any write of an Organization may change who a caller's
 * identifier names. Registered with the storage layer so that every write path is seen.
 */
@Interceptor
final class RelationshipChanges {

	private final Children children;
	private final Relationships relationships;

	RelationshipChanges(Children children, Relationships relationships) {
		this.children = children;
		this.relationships = relationships;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		changed(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		changed(previous);
		changed(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource) {
		changed(resource);
	}

	private void changed(IBaseResource resource) {
		if ("AuditEvent".equals(resource.fhirType())) {
			return; // the trail of a read names the child, and changes no relationship
		}
		if ("Organization".equals(resource.fhirType())) {
			relationships.forgetOrganisations();
		} else {
			children.of(resource).forEach(relationships::forget);
		}
	}
}
