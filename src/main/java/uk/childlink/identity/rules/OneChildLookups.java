package uk.childlink.identity.rules;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import java.util.Set;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.platform.Pipeline;

/**
 * A search for a child by NHS number or UPN finds at most a record or two (one child per NHS number and per current
 * UPN, enforced by the database): answered in the request's own work, without HAPI storing the search and its
 * results for paging in a transaction of their own (docs/performance.md). Only when every value of an identifier
 * parameter names one of those systems, and the page asked for holds at least ten.
 */
@Interceptor(order = Pipeline.Order.SEARCH_STRATEGY)
final class OneChildLookups {

	private static final Set<String> ONE_CHILD_SYSTEMS = Set.of(IdentifierSystems.NHS_NUMBER, IdentifierSystems.UPN);

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void lookUpDirectly(ICachedSearchDetails search, SearchParameterMap map) {
		if (!"Patient".equals(search.getResourceType()) || map.isLoadSynchronous()
				|| (map.getCount() != null && map.getCount() < 10)) {
			return;
		}
		List<List<IQueryParameterType>> identifiers = map.get("identifier");
		if (identifiers == null) {
			return;
		}
		for (List<IQueryParameterType> or : identifiers) {
			if (or.size() <= 3 && or.stream().allMatch(OneChildLookups::namesOneChild)) {
				map.setLoadSynchronous(true);
				return;
			}
		}
	}

	private static boolean namesOneChild(IQueryParameterType parameter) {
		// (:missing has no system; Set.of refuses to look up null)
		return parameter instanceof TokenParam token && token.getModifier() == null && token.getMissing() == null
				&& token.getSystem() != null && ONE_CHILD_SYSTEMS.contains(token.getSystem()) && token.getValue() != null;
	}
}
