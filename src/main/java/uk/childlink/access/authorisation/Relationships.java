package uk.childlink.access.authorisation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import uk.childlink.access.Caller;

/**
 * Whether a caller's organisation has a relationship with a child today: a look-up in the relationships the records
 * made when they were written ({@link RelationshipStore}, {@link RelationshipMaintenance}), so every server process
 * answers the same as soon as a change commits. Which Organization a caller's identifier names is remembered for 30
 * seconds, and forgotten at once when an Organization is written through this process.
 */
final class Relationships {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Relationships.class);

	private final RelationshipStore store;
	private final DaoRegistry daos;
	private final Cache<String, Optional<String>> organisations =
			Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(30)).maximumSize(10_000).build();

	Relationships(RelationshipStore store, DaoRegistry daos) {
		this.store = store;
		this.daos = daos;
	}

	/** The caller's Organization resource id, found by the identifier in their token; empty if not registered. */
	Optional<String> organisationId(Caller caller) {
		Identifier org = caller.organisation();
		if (org == null || org.getSystem() == null || org.getValue() == null) {
			return Optional.empty();
		}
		String key = org.getSystem() + "|" + org.getValue();
		return organisations.get(key, k -> {
			SearchParameterMap search = SearchParameterMap.newSynchronous()
					.add("identifier", new TokenParam(org.getSystem(), org.getValue()));
			search.setLoadSynchronousUpTo(2);
			List<IBaseResource> hits = daos.getResourceDao("Organization").search(search, new SystemRequestDetails())
					.getResources(0, 2);
			// two Organizations with the caller's identifier: which one the caller acts for is unknown, so neither
			if (hits.size() > 1) {
				log.warn("Two Organizations have the identifier {}: its callers have no relationships until one goes", k);
			}
			return hits.size() == 1 ? Optional.of(hits.get(0).getIdElement().getIdPart()) : Optional.empty();
		});
	}

	/** The first of the policy's relationships that holds today between the caller's organisation and the child. */
	Optional<String> between(Caller caller, String child) {
		return between(caller, child, null);
	}

	/** As {@link #between(Caller, String)}, of the named relationships only (all when null). */
	Optional<String> between(Caller caller, String child, Collection<String> names) {
		Optional<String> orgId = organisationId(caller);
		if (orgId.isEmpty() || child == null || !child.startsWith("Patient/")) {
			return Optional.empty();
		}
		return store.holds(child.substring("Patient/".length()), orgId.get(), names);
	}

	/** Which of the children ({@code Patient/id}) the caller's organisation has a relationship with today. */
	Set<String> relatedAmong(Caller caller, List<String> children) {
		Optional<String> orgId = organisationId(caller);
		List<String> ids = children.stream().filter(c -> c.startsWith("Patient/"))
				.map(c -> c.substring("Patient/".length())).toList();
		if (orgId.isEmpty() || ids.isEmpty()) {
			return Set.of();
		}
		Set<String> related = new HashSet<>();
		store.relatedAmong(orgId.get(), ids).forEach(id -> related.add("Patient/" + id));
		return related;
	}

	/** Forgets which Organization each caller's identifier names (an Organization was written). */
	void forgetOrganisations() {
		organisations.invalidateAll();
	}
}
