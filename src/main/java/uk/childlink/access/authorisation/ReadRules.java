package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import uk.childlink.access.Caller;
import uk.childlink.access.OwnFiles;

/**
 * Which stored resources a caller sees, asked by HAPI's consent interceptor for every resource on its way out of
 * storage (a read, each search match, each {@code _include}/{@code _revinclude}, history entries, {@code $everything},
 * each page): a resource of a type their scopes grant, and, for a child's data, only while their organisation has a
 * relationship with the child (or they broke the glass); an owned record (a Task on a worklist, a Subscription) only
 * by the organisation that owns it; a file the server wrote for one caller ({@link OwnFiles}) by that caller alone.
 * Whatever is refused is left out as if it did not exist: a
 * read answers 404, a search leaves it out, and HAPI drops {@code Bundle.total} and refuses {@code _summary=count}
 * and {@code _total=accurate}, which would count it.
 */
final class ReadRules implements IConsentService {

	private final FhirContext fhir;
	private final Children children;
	private final Relationships relationships;
	private final Authorship authorship;
	private final List<String> auditReaders;
	private final RelatedChildren related;
	private final Set<String> owned;

	ReadRules(FhirContext fhir, Children children, Relationships relationships, Authorship authorship,
			List<String> auditReaders, RelatedChildren related, Set<String> owned) {
		this.related = related;
		this.owned = owned;
		this.fhir = fhir;
		this.children = children;
		this.relationships = relationships;
		this.authorship = authorship;
		this.auditReaders = auditReaders;
	}

	@Override
	public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices services) {
		return Caller.of(request).isPresent();
	}

	@Override
	public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
		Caller caller = Caller.of(request).orElse(null);
		return caller == null || sees(caller, resource, related.of(request, caller)) ? ConsentOutcome.PROCEED
				: ConsentOutcome.REJECT;
	}

	/**
	 * Asked again as resources are shown: a page of stored search results is loaded without
	 * {@link #canSeeResource}, so whoever follows someone else's page link is checked here. What a write answers
	 * with (the resource just written) and what holds results (Bundle, Parameters) are not judged.
	 */
	@Override
	public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null || isWrite(request.getRestOperationType())) {
			return ConsentOutcome.PROCEED;
		}
		String type = fhir.getResourceType(resource);
		if (!type.equals("AuditEvent") && !type.equals("Binary") && !children.isChildType(type) && !owned.contains(type)) {
			return ConsentOutcome.PROCEED;
		}
		return sees(caller, resource, related.of(request, caller)) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
	}

	private static boolean isWrite(RestOperationTypeEnum op) {
		return op == RestOperationTypeEnum.CREATE || op == RestOperationTypeEnum.UPDATE
				|| op == RestOperationTypeEnum.PATCH || op == RestOperationTypeEnum.DELETE;
	}

	boolean sees(Caller caller, IBaseResource resource) {
		return sees(caller, resource, askingTheStore(caller));
	}

	private boolean sees(Caller caller, IBaseResource resource, Predicate<String> relatedTo) {
		String type = fhir.getResourceType(resource);
		return (caller.scopes().permits(type, 'r') || caller.scopes().permits(type, 's'))
				&& mayKnow(caller, resource, relatedTo);
	}

	/** Whether the caller reads the child's audit trail (the policy's audit readers). */
	boolean readsTrailOf(Caller caller, String child) {
		return relationships.between(caller, child, auditReaders).isPresent();
	}

	/** Whether records of this type are a child's data (the Patient, or a type in the Patient compartment). */
	boolean isChildData(String type) {
		return children.isChildType(type);
	}

	/** Whether the resource is one the caller may know exists, whatever their scopes (for a write's answer). */
	boolean mayKnow(Caller caller, IBaseResource resource) {
		return mayKnow(caller, resource, askingTheStore(caller));
	}

	/** Whether the caller is related to a child, asked of the store each time (outside a request's consent check). */
	private Predicate<String> askingTheStore(Caller caller) {
		return child -> relationships.between(caller, child).isPresent();
	}

	private boolean mayKnow(Caller caller, IBaseResource resource, Predicate<String> relatedTo) {
		if (resource instanceof Binary file) {
			// a file the server wrote for one caller (a bulk export's) is theirs alone, an admin's too; any other
			// Binary is an admin's
			return file.getMeta().getTag().stream().filter(tag -> OwnFiles.TAG_SYSTEM.equals(tag.getSystem()))
					.findFirst().map(tag -> OwnFiles.ownerOf(caller).equals(tag.getCode())).orElse(caller.isAdmin());
		}
		if (caller.isAdmin()) {
			return true;
		}
		if (AccessGrants.isGrant(resource)) {
			return false; // who else has a relationship with the child is the server's business
		}
		String type = fhir.getResourceType(resource);
		if (type.equals("AuditEvent")) { // the child's council (and an admin, who is not asked) reads who saw a child
			List<String> named = children.of(resource);
			return !named.isEmpty()
					&& named.stream().allMatch(c -> relationships.between(caller, c, auditReaders).isPresent());
		}
		if (owned.contains(type) && !ownRecord(caller, resource)) {
			return false; // another organisation's work to do, or its subscription
		}
		if (!children.isChildType(type)) {
			return true; // organisations, terminology, profiles, the caller's own subscriptions...
		}
		List<String> about = children.of(resource);
		if (caller.scopes().systemOnly() || about.isEmpty()) {
			// an integration client sees the children it is related to, and of their records only its own
			return type.equals("Patient") ? related(about, relatedTo) : ownRecord(caller, resource);
		}
		return caller.breaksGlass() || related(about, relatedTo);
	}

	private static boolean related(List<String> about, Predicate<String> relatedTo) {
		return !about.isEmpty() && about.stream().allMatch(relatedTo);
	}

	private boolean ownRecord(Caller caller, IBaseResource resource) {
		Optional<String> orgId = relationships.organisationId(caller);
		return authorship.hasRule(fhir.getResourceType(resource))
				&& authorship.problem(resource, caller, orgId).isEmpty();
	}
}
