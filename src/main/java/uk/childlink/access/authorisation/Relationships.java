package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import uk.childlink.access.Caller;

/**
 * Whether a caller's organisation has a relationship with a child, by running the policy's relationship searches
 * (as the server, not as the caller) until one finds something. Answers are kept for
 * {@code childlink.access.relationship-cache}, and dropped for a child whenever one of its records is written (a
 * first record starts a relationship; a changed managing organisation moves one): so a relationship that ends by
 * time alone may be honoured that long after its end.
 */
final class Relationships {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Relationships.class);

	private final AccessPolicy policy;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;
	private final FhirContext fhir;
	private final Clock clock;
	/** child -> (organisation id -> the relationship found, or none) */
	private final Cache<String, Map<String, Optional<String>>> found;
	private final Cache<String, Optional<String>> organisations;

	Relationships(AccessPolicy policy, DaoRegistry daos, MatchUrlService matchUrls, FhirContext fhir, Duration ttl,
			Clock clock) {
		this.policy = policy;
		this.daos = daos;
		this.matchUrls = matchUrls;
		this.fhir = fhir;
		this.clock = clock;
		this.found = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
		// short-lived as well as forgotten on every Organization write (RelationshipChanges)
		this.organisations = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(30)).maximumSize(10_000).build();
	}

	/** The caller's Organization resource id, found by the identifier in their token; empty if not registered. */
	Optional<String> organisationId(Caller caller) {
		Identifier org = caller.organisation();
		if (org == null) {
			return Optional.empty();
		}
		String key = org.getSystem() + "|" + org.getValue();
		Optional<String> id = organisations.getIfPresent(key);
		if (id == null) {
			SearchParameterMap search = SearchParameterMap.newSynchronous()
					.add("identifier", new TokenParam(org.getSystem(), org.getValue()));
			search.setLoadSynchronousUpTo(2);
			List<IBaseResource> hits = daos.getResourceDao("Organization").search(search, new SystemRequestDetails())
					.getResources(0, 2);
			// two Organizations with the caller's identifier: which one the caller acts for is unknown, so neither
			id = hits.size() == 1 ? Optional.of(hits.get(0).getIdElement().getIdPart()) : Optional.empty();
			if (hits.size() > 1) {
				log.warn("Two Organizations have the identifier {}: its callers have no relationships until one goes", key);
			}
			organisations.put(key, id);
		}
		return id;
	}


	/** The first of the policy's relationships that holds between the caller's organisation and the child. */
	Optional<String> between(Caller caller, String child) {
		return between(caller, child, null);
	}

	/** As {@link #between(Caller, String)}, trying only the named relationships (all when null). */
	Optional<String> between(Caller caller, String child, Collection<String> names) {
		Optional<String> orgId = organisationId(caller);
		if (orgId.isEmpty()) {
			return Optional.empty();
		}
		if (names != null) {
			return evaluate(orgId.get(), child, names);
		}
		Map<String, Optional<String>> answers = found.get(child, c -> new ConcurrentHashMap<>());
		Optional<String> answer = answers.get(orgId.get());
		if (answer == null) {
			answer = evaluate(orgId.get(), child, null);
			answers.put(orgId.get(), answer);
		}
		return answer;
	}

	/**
	 * Forgets the answers for a child whose records change (a first record starts a relationship), now and again when
	 * the change's transaction ends: a read during the write (HAPI resolving its references) may have asked meanwhile.
	 */
	void forget(String child) {
		found.invalidate(child);
		afterTransaction().add(child);
	}

	/** Forgets which Organization each caller's identifier names (now, and when the change's transaction ends). */
	void forgetOrganisations() {
		organisations.invalidateAll();
		afterTransaction().add(ORGANISATIONS);
	}

	private static final String ORGANISATIONS = "organisations";

	/** What to forget again when the current transaction ends: one synchronization per transaction, however large. */
	@SuppressWarnings("unchecked")
	private Set<String> afterTransaction() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return new HashSet<>(); // no transaction: forgotten now is enough
		}
		Set<String> pending = (Set<String>) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			Set<String> fresh = new HashSet<>();
			TransactionSynchronizationManager.bindResource(this, fresh);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void suspend() {
					TransactionSynchronizationManager.unbindResourceIfPossible(Relationships.this);
				}

				@Override
				public void resume() {
					if (!TransactionSynchronizationManager.hasResource(Relationships.this)) {
						TransactionSynchronizationManager.bindResource(Relationships.this, fresh);
					}
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(Relationships.this);
					if (fresh.remove(ORGANISATIONS)) {
						organisations.invalidateAll();
					}
					found.invalidateAll(fresh);
				}
			});
			pending = fresh;
		}
		return pending;
	}

	private Optional<String> evaluate(String orgId, String child, Collection<String> names) {
		String since = LocalDate.now(clock).minus(policy.recentPeriod()).toString();
		for (AccessPolicy.Relationship r : policy.relationships()) {
			if (names != null && !names.contains(r.name())) {
				continue;
			}
			String url = r.search().replace("{childId}", child.substring(child.indexOf('/') + 1)).replace("{child}", child)
					.replace("{organisation}", "Organization/" + orgId)
					.replace("{since}", since);
			if (finds(url)) {
				return Optional.of(r.name());
			}
		}
		return Optional.empty();
	}

	private boolean finds(String url) {
		String type = url.substring(0, url.indexOf('?'));
		SearchParameterMap search = matchUrls.translateMatchUrl(url, fhir.getResourceDefinition(type));
		search.setLoadSynchronous(true);
		search.setLoadSynchronousUpTo(1);
		return !daos.getResourceDao(type).search(search, new SystemRequestDetails()).getResources(0, 1).isEmpty();
	}

	/** Checks each relationship's search at start, so that a broken policy stops the server rather than a request. */
	void check() {
		for (AccessPolicy.Relationship r : policy.relationships()) {
			String url = r.search().replace("{childId}", "1").replace("{child}", "Patient/1")
					.replace("{organisation}", "Organization/1")
					.replace("{since}", "2000-01-01");
			try {
				String type = url.substring(0, url.indexOf('?'));
				matchUrls.translateMatchUrl(url, fhir.getResourceDefinition(type));
			} catch (RuntimeException e) {
				throw new IllegalStateException(AccessPolicy.LOCATION + ": the search of relationship " + r.name()
						+ " is not a valid FHIR search: " + e.getMessage(), e);
			}
		}
	}
}
