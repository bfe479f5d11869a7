package uk.childlink.access.authorisation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import uk.childlink.access.Caller;
import uk.childlink.platform.Pipeline;

/**
 * What the consent check ({@link ReadRules}) knows, within one request, of the caller's relationships with children:
 * each child is looked up once. Before HAPI hands a page of resources to the consent check, the relationships with
 * all the children they are about are looked up in one query (a council's list of a hundred plans: one query, not a
 * hundred).
 */
@Interceptor(order = Pipeline.Order.RELATED_CHILDREN)
final class RelatedChildren {

	private static final String KNOWN = RelatedChildren.class.getName();

	private final Children children;
	private final Relationships relationships;

	RelatedChildren(Children children, Relationships relationships) {
		this.children = children;
		this.relationships = relationships;
	}

	/** Whether the caller of the request is related to a child ({@code Patient/id}), asked of the store once. */
	Predicate<String> of(RequestDetails request, Caller caller) {
		Map<String, Boolean> known = known(request);
		return child -> known.computeIfAbsent(child, c -> relationships.between(caller, c).isPresent());
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void beforeAccess(IPreResourceAccessDetails details, RequestDetails request) {
		lookUp(request, details.size(), details::getResource);
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void beforeShow(IPreResourceShowDetails details, RequestDetails request) {
		lookUp(request, details.size(), details::getResource);
	}

	private void lookUp(RequestDetails request, int size, IntFunction<IBaseResource> resources) {
		Caller caller = request == null ? null : Caller.of(request).orElse(null);
		if (caller == null || caller.isAdmin() || size < 2) {
			return; // an admin is not checked; one resource is looked up when it is checked
		}
		Map<String, Boolean> known = known(request);
		Set<String> unknown = new LinkedHashSet<>();
		for (int i = 0; i < size; i++) {
			IBaseResource resource = resources.apply(i);
			if (resource != null) {
				children.of(resource).stream().filter(child -> !known.containsKey(child)).forEach(unknown::add);
			}
		}
		if (unknown.size() < 2) {
			return;
		}
		List<String> ids = new ArrayList<>(unknown);
		Set<String> related = relationships.relatedAmong(caller, ids);
		ids.forEach(child -> known.put(child, related.contains(child)));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Boolean> known(RequestDetails request) {
		return (Map<String, Boolean>) request.getUserData().computeIfAbsent(KNOWN, k -> new ConcurrentHashMap<String, Boolean>());
	}
}
