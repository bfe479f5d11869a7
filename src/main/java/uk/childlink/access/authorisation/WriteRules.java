package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.Caller;
import uk.childlink.platform.Pipeline;

/**
 * Each resource a client writes (alone, in a transaction, or by a conditional write), checked before it is stored:
 * the scopes allow it; a stored record the caller may not see is not known to them (404, as for a read); a child's
 * record is in the caller's own name (organisation and agency, per the policy's authorship rules) before and after
 * the change, so a child's demographics are changed only by an organisation related to the child; an organisation
 * registers or changes only itself; anything else is for an admin. A refusal (403) rolls back the whole request. The
 * importers' own writes are checked as a whole by their operations.
 */
@Interceptor(order = Pipeline.Order.WRITE_RULES)
final class WriteRules {

	private final FhirContext fhir;
	private final Children children;
	private final Relationships relationships;
	private final Authorship authorship;
	private final ReadRules reads;

	WriteRules(FhirContext fhir, Children children, Relationships relationships, Authorship authorship,
			ReadRules reads) {
		this.fhir = fhir;
		this.children = children;
		this.relationships = relationships;
		this.authorship = authorship;
		this.reads = reads;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, 'c', null, resource));
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, 'u', previous, resource));
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, 'd', resource, null));
	}

	private void check(Caller caller, char interaction, IBaseResource before, IBaseResource after) {
		IBaseResource any = after != null ? after : before;
		String type = fhir.getResourceType(any);
		if (type.equals("AuditEvent")) {
			throw new ForbiddenOperationException(RequestGate.IMMUTABLE_TRAIL);
		}
		RequestGate.need(caller, type, interaction);
		if (caller.isAdmin()) {
			return;
		}
		if (before != null && !reads.mayKnow(caller, before)) {
			// a record the caller may not see does not exist for them, whether they read it or write it
			throw new ResourceNotFoundException("Resource " + before.getIdElement().toUnqualifiedVersionless().getValue()
					+ " is not known");
		}
		String refusal = refusal(caller, interaction, type, before, after);
		if (refusal != null) {
			throw new ForbiddenOperationException(refusal);
		}
	}

	private String refusal(Caller caller, char interaction, String type, IBaseResource before, IBaseResource after) {
		if (type.equals("Patient")) {
			if (interaction == 'c') {
				return null;
			}
			if (interaction == 'd') {
				return "A child's record is deleted by an admin only (to join two records, ask for Patient/$merge)";
			}
			// changed by an organisation that may see it (checked above): one related to the child; but the links
			// that make relationships are not for any related organisation to move
			return carers((Patient) before, (Patient) after, caller, relationships.organisationId(caller));
		}
		if (children.isChildType(type)) {
			Optional<String> orgId = relationships.organisationId(caller);
			for (IBaseResource version : new IBaseResource[] {before, after}) {
				if (version != null) {
					Optional<String> problem = authorship.problem(version, caller, orgId);
					if (problem.isPresent()) {
						return "Not permitted: " + (version == before && after != null ? "the stored record: " : "")
								+ problem.get();
					}
				}
			}
			return null;
		}
		if (type.equals("Organization") && interaction != 'd') {
			for (IBaseResource version : new IBaseResource[] {before, after}) {
				if (version != null && !isCallers((Organization) version, caller)) {
					return "An organisation registers and changes its own Organization only (whose identifiers are all "
							+ caller.organisationText() + "); others are registered by an admin";
				}
			}
			return null;
		}
		return type + " resources are written by an admin only";
	}

	/**
	 * Who may change the links that make the responsible-authority and GP relationships: the responsible authority is
	 * handed over by the current one (or, when there is none, taken by a social-care organisation naming itself); an
	 * organisation adds or removes only itself as the child's GP practice. Otherwise a school could name itself the
	 * child's council and read her audit trail.
	 */
	private static String carers(Patient before, Patient after, Caller caller, Optional<String> orgId) {
		String own = orgId.map(id -> "Organization/" + id).orElse(null);
		String was = ref(before.getManagingOrganization());
		String now = ref(after.getManagingOrganization());
		if (!Objects.equals(was, now)) {
			boolean handOver = was != null && was.equals(own);
			boolean takeUp = was == null && now != null && now.equals(own) && "social-care".equals(caller.agency());
			if (!handOver && !takeUp) {
				return "Patient.managingOrganization (the child's responsible authority) is changed by that authority "
						+ "(or an admin); a social-care organisation may name itself where none is recorded";
			}
		}
		Set<String> gpsBefore = refs(before.getGeneralPractitioner());
		Set<String> gpsAfter = refs(after.getGeneralPractitioner());
		Set<String> changed = new HashSet<>(gpsBefore);
		changed.addAll(gpsAfter);
		Set<String> kept = new HashSet<>(gpsBefore);
		kept.retainAll(gpsAfter);
		changed.removeAll(kept);
		if (!changed.isEmpty() && !(changed.size() == 1 && changed.contains(own))) {
			return "Patient.generalPractitioner is changed by the practice itself (adding or removing itself) or an admin";
		}
		return null;
	}

	private static String ref(Reference reference) {
		return reference == null || reference.getReference() == null ? null
				: reference.getReferenceElement().toUnqualifiedVersionless().getValue();
	}

	private static Set<String> refs(List<Reference> references) {
		Set<String> out = new HashSet<>();
		references.forEach(r -> {
			String value = ref(r);
			if (value != null) {
				out.add(value);
			}
		});
		return out;
	}

	private static boolean isCallers(Organization org, Caller caller) {
		List<org.hl7.fhir.r4.model.Identifier> ids = org.getIdentifier();
		// every identifier: an organisation may not take on another's (its staff would then act for this one)
		return !ids.isEmpty() && ids.stream().allMatch(id -> id.getSystem() != null && id.getValue() != null
				&& caller.actsFor(id.getSystem(), id.getValue()));
	}
}
