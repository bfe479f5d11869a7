package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;





import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Basic;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import uk.childlink.access.AccessProperties;
import uk.childlink.access.AuditTrailReaders;
import uk.childlink.access.Caller;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/**
 * Puts the authorisation rules in the request pipeline (they apply to client requests; the server's own work is
 * not checked): the request gate, the search narrowing, HAPI's consent interceptor with the read rules, and the write
 * rules; and, on every write path, the upkeep of the relationships they rest on. With access control off, none is.
 */
@Configuration(proxyBeanMethods = false)
class AuthorisationConfig implements DisposableBean, Pipeline.Contributor {

	private final List<Pipeline.Step> steps;
	private final RelationshipRules rules;
	private final RelationshipReconciliation reconciliation;
	private final ReadRules reads;
	private final RelationshipStore store;
	private final Relationships relationships;
	private final AccessProperties access;

	AuthorisationConfig(AccessProperties access,
			FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls, Children children,
			ISearchParamRegistry searchParams, ISearchParamExtractor extractor, SearchParamMatcher matcher,
			DataSource dataSource, EntityManagerFactory entityManagers, PlatformTransactionManager transactions,
			PartitionSettings partitions) {
		this.access = access;
		if (access.mode() == AccessProperties.Mode.off) {
			rules = null;
			reconciliation = null;
			reads = null;
			store = null;
			relationships = null;
			steps = List.of();
			return;
		}
		AccessPolicy policy = AccessPolicy.load();
		rules = new RelationshipRules(policy, fhir, searchParams, extractor, matcher, matchUrls);
		store = new RelationshipStore(dataSource);
		relationships = new Relationships(store, daos);
		AccessGrants grants = new AccessGrants(store, daos.getResourceDao(Basic.class));
		RelationshipMaintenance maintenance =
				new RelationshipMaintenance(rules, store, grants, relationships, daos, entityManagers);
		reconciliation = new RelationshipReconciliation(store, maintenance, grants, transactions, dataSource);
		Authorship authorship = new Authorship(policy, fhir);
		authorship.check();
		RelatedChildren related = new RelatedChildren(children, relationships);
		Map<String, String> owned = policy.ownedRecords().types().stream().collect(
				Collectors.toMap(AccessPolicy.Owned::resourceType, AccessPolicy.Owned::ownerParameter));
		reads = new ReadRules(fhir, children, relationships, authorship, policy.auditReaders().relationships(), related,
				owned.keySet());
		steps = List.of(
				new Pipeline.Step(Place.NARROWING, new SearchNarrowing(fhir, children, relationships,
						new NamedChildren(fhir, daos, dataSource, partitions), owned)),
				new Pipeline.Step(Place.GATE, new RequestGate(reads, fhir, daos, matchUrls)),
				new Pipeline.Step(Place.RELATED_CHILDREN, related),
				new Pipeline.Step(Place.CONSENT, new ConsentInterceptor(reads)),
				new Pipeline.Step(Place.WRITE_RULES, new WriteRules(fhir, children, relationships, authorship, reads, owned.keySet())),
				new Pipeline.Step(Place.RELATIONSHIPS, maintenance),
				new Pipeline.Step(Place.NOT_KNOWN, new NotKnown()));
	}

	@Override
	public List<Pipeline.Step> steps() {
		return steps;
	}

	/** Who reads a child's audit trail: the audit trail's searches ask. */
	@Bean
	AuditTrailReaders auditTrailReaders() {
		return (caller, child) -> reads != null && (caller.isAdmin() || reads.readsTrailOf(caller, child));
	}

	/** Which organisations may see a child (with access control off, any), and whom a caller acts for. */
	@Bean
	RelatedOrganisations relatedOrganisations() {
		return new RelatedOrganisations() {
			@Override
			public boolean holds(String childId, String organisationId) {
				return store == null || store.holds(childId, organisationId, null).isPresent();
			}

			@Override
			public Optional<String> organisationOf(Caller caller) {
				return relationships == null ? Optional.empty() : relationships.organisationId(caller);
			}

			@Override
			public List<String> childrenOf(String organisationId) {
				return store == null ? List.of() : store.childrenOf(organisationId);
			}
		};
	}

	/** Once the search parameters are all loaded: the policy's relationships must name ones the server has. */
	@EventListener(ContextRefreshedEvent.class)
	public void checkPolicyAndStart() {
		if (rules != null) {
			rules.check();
			reconciliation.start(access.relationshipCheck());
		}
	}

	@Override
	public void destroy() {
		if (reconciliation != null) {
			reconciliation.close();
		}
	}
}
