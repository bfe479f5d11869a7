package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.access.Caller;
import uk.childlink.access.authorisation.ScopeNeeds.Access;
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
	private final Set<String> owned;

	WriteRules(FhirContext fhir, Children children, Relationships relationships, Authorship authorship,
			ReadRules reads, Set<String> owned) {
		this.owned = owned;
		this.fhir = fhir;
		this.children = children;
		this.relationships = relationships;
		this.authorship = authorship;
		this.reads = reads;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, Access.CREATE, null, resource));
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, Access.UPDATE, previous, resource));
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		Caller.of(request).ifPresent(caller -> check(caller, Access.DELETE, resource, null));
	}

	private void check(Caller caller, Access interaction, IBaseResource before, IBaseResource after) {
		IBaseResource any = after != null ? after : before;
		String type = fhir.getResourceType(any);
		if (type.equals("AuditEvent")) {
			throw new ForbiddenOperationException(RequestGate.IMMUTABLE_TRAIL);
		}
		ScopeNeeds.need(caller, type, interaction);
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

	private String refusal(Caller caller, Access interaction, String type, IBaseResource before, IBaseResource after) {
		if (type.equals("Patient")) {
			if (interaction == Access.CREATE) {
				return null;
			}
			if (interaction == Access.DELETE) {
				return "A child's record is deleted by an admin only (to join two records, ask for Patient/$merge)";
			}
			// changed by an organisation that may see it (checked above): one related to the child; but the links
			// that make relationships are not for any related organisation to move
			return CarerLinks.refusal((Patient) before, (Patient) after, caller, relationships.organisationId(caller));
		}
		if (children.isChildType(type) || owned.contains(type)) {
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
		if (type.equals("Organization") && interaction != Access.DELETE) {
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

	private static boolean isCallers(Organization org, Caller caller) {
		List<org.hl7.fhir.r4.model.Identifier> ids = org.getIdentifier();
		// every identifier: an organisation may not take on another's (its staff would then act for this one)
		return !ids.isEmpty() && ids.stream().allMatch(id -> id.getSystem() != null && id.getValue() != null
				&& caller.actsFor(id.getSystem(), id.getValue()));
	}
}
