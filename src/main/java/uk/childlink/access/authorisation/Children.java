package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Which children a resource is about: the Patient itself, or the owners of the Patient compartment it is in (an
 * Observation's subject, an Encounter's patient...), as the FHIR specification defines the compartment. An
 * AuditEvent is about the children it names as entities; a Task about the child it is for (R4 leaves Task out of the
 * Patient compartment, but a Task for a child, such as a signal on a worklist, is that child's data). (Used by the
 * audit too.) A MeasureReport is not: every MeasureReport here is statistics about a group of children, which its
 * profile ({@code statistics-report}, applied to every one on write) keeps from naming a child.
 */
@Component
public final class Children {

	private final FhirContext fhir;
	private final ConcurrentHashMap<String, Boolean> childTypes = new ConcurrentHashMap<>();

	public Children(FhirContext fhir) {
		this.fhir = fhir;
	}

	/**
	 * Whether records of this type are child data: the Patient, a type in the Patient compartment (but MeasureReport,
	 * statistics only), or Task.
	 */
	public boolean isChildType(String resourceType) {
		return childTypes.computeIfAbsent(resourceType, type -> type.equals("Patient") || type.equals("Task")
				|| fhir.getResourceTypes().contains(type) && !type.equals("MeasureReport")
						&& !fhir.getResourceDefinition(type).getSearchParamsForCompartmentName("Patient").isEmpty());
	}

	/** The children (as {@code Patient/id}) the resource is about; empty for a resource that is not child data. */
	public List<String> of(IBaseResource resource) {
		String type = fhir.getResourceType(resource);
		if (type.equals("Patient")) {
			IIdType id = resource.getIdElement();
			return id.hasIdPart() ? List.of("Patient/" + id.getIdPart()) : List.of();
		}
		if (resource instanceof AuditEvent audit) {
			List<String> children = new ArrayList<>();
			for (AuditEvent.AuditEventEntityComponent entity : audit.getEntity()) {
				String ref = entity.getWhat().getReferenceElement().toUnqualifiedVersionless().getValue();
				if (ref != null && ref.startsWith("Patient/")) {
					children.add(ref);
				}
			}
			return children;
		}
		if (resource instanceof Task task) {
			IIdType child = task.getFor().getReferenceElement();
			return "Patient".equals(child.getResourceType()) && child.hasIdPart() && !child.isAbsolute()
					? List.of("Patient/" + child.getIdPart()) : List.of();
		}
		if (!isChildType(type)) {
			return List.of();
		}
		List<String> children = new ArrayList<>(1);
		for (IIdType owner : fhir.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of())) {
			// the compartment's parameters may also point elsewhere (an Observation's performer: an Organization)
			if ("Patient".equals(owner.getResourceType()) && owner.hasIdPart() && !owner.isAbsolute()) {
				children.add("Patient/" + owner.getIdPart());
			}
		}
		return children;
	}
}
