package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.Caller;
import uk.childlink.conformance.CodeLists;

/**
 * Whether a record is in the caller's own name: every organisation it names where the policy's authorship rule
 * looks (an Observation's performer, an Encounter's serviceProvider...) is the caller's, and every agency coding
 * there is the caller's agency.
 */
final class Authorship {

	static final String AGENCY = CodeLists.AGENCY;

	private final AccessPolicy policy;
	private final FhirContext fhir;
	/** The paths are FHIRPath ({@code extension('url').value} included); an engine per thread, made once. */
	private final ThreadLocal<IFhirPath> paths;

	Authorship(AccessPolicy policy, FhirContext fhir) {
		this.policy = policy;
		this.fhir = fhir;
		this.paths = ThreadLocal.withInitial(fhir::newFhirPath);
	}

	/** Checks each rule's paths at start, so that a broken policy stops the server rather than a request. */
	void check() {
		for (AccessPolicy.Rule rule : policy.authorship().rules()) {
			if (!fhir.getResourceTypes().contains(rule.resourceType())) {
				throw new IllegalStateException(AccessPolicy.LOCATION + ": authorship names " + rule.resourceType()
						+ ", which is not a FHIR R4 resource type");
			}
			IBaseResource empty = fhir.getResourceDefinition(rule.resourceType()).newInstance();
			for (String path : new String[] {rule.organisation(), rule.agency()}) {
				if (path == null) {
					continue;
				}
				try {
					paths.get().evaluate(empty, path, IBase.class);
				} catch (RuntimeException e) {
					throw new IllegalStateException(AccessPolicy.LOCATION + ": authorship path " + path + " of "
							+ rule.resourceType() + " is not valid: " + e.getMessage(), e);
				}
			}
		}
	}

	boolean hasRule(String resourceType) {
		return policy.authorshipOf(resourceType).isPresent();
	}

	/** Why the record is not in the caller's own name, or empty when it is. */
	Optional<String> problem(IBaseResource resource, Caller caller, Optional<String> callerOrgId) {
		String type = fhir.getResourceType(resource);
		AccessPolicy.Rule rule = policy.authorshipOf(type).orElse(null);
		if (rule == null) {
			return Optional.of("ChildLink takes " + type + " records about a child from an admin only");
		}
		List<Reference> orgs = paths.get().evaluate(resource, rule.organisation(), Reference.class).stream()
				.filter(r -> isOrganisation(r)).toList();
		if (orgs.isEmpty()) {
			return Optional.of(rule.organisation() + " must name your organisation (" + caller.organisationText() + ")");
		}
		for (Reference org : orgs) {
			if (!isCallers(org, caller, callerOrgId)) {
				return Optional.of(rule.organisation() + " names " + display(org) + ", and you act for "
						+ caller.organisationText() + ": an organisation records data in its own name only");
			}
		}
		if (rule.agency() != null) {
			for (IBase value : paths.get().evaluate(resource, rule.agency(), IBase.class)) {
				if (value instanceof Coding c && AGENCY.equals(c.getSystem()) && !Objects.equals(c.getCode(), caller.agency())) {
					return Optional.of("this is a " + c.getCode() + " record, and you act for "
							+ (caller.agency() == null ? "no agency" : "the " + caller.agency() + " agency")
							+ ": an agency records its own kind of data only");
				}
			}
		}
		return Optional.empty();
	}

	private static boolean isOrganisation(Reference ref) {
		String type = ref.getReferenceElement().getResourceType();
		return "Organization".equals(type) || ref.getReference() == null && ref.hasIdentifier();
	}

	private static boolean isCallers(Reference ref, Caller caller, Optional<String> callerOrgId) {
		if (ref.getReference() != null) {
			return callerOrgId.isPresent() && callerOrgId.get().equals(ref.getReferenceElement().getIdPart())
					&& !ref.getReferenceElement().isAbsolute();
		}
		return caller.actsFor(ref.getIdentifier().getSystem(), ref.getIdentifier().getValue());
	}

	private static String display(Reference ref) {
		return ref.getReference() != null ? ref.getReference()
				: ref.getIdentifier().getSystem() + "|" + ref.getIdentifier().getValue();
	}
}
