package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Basic;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.context.annotation.Bean;
import uk.childlink.access.AccessProperties;
import uk.childlink.access.AuditTrailReaders;

/**
 * Registers the authorisation rules with the FHIR server (they apply to client requests; the server's own work is
 * not checked): the request gate, the search narrowing, HAPI's consent interceptor with the read rules, and the write
 * rules; and, on every write path, the upkeep of the relationships they rest on. With access control off, none is.
 */
@Configuration(proxyBeanMethods = false)
class AuthorisationConfig implements DisposableBean {

	private final RelationshipRules rules;
	private final RelationshipReconciliation reconciliation;
	private final ReadRules reads;
	private final AccessProperties access;

	AuthorisationConfig(RestfulServer fhirServer, IInterceptorService storageInterceptors, AccessProperties access,
			FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls, Children children,
			ISearchParamRegistry searchParams, ISearchParamExtractor extractor, SearchParamMatcher matcher,
			DataSource dataSource, EntityManagerFactory entityManagers, PlatformTransactionManager transactions) {
		this.access = access;
		if (access.mode() == AccessProperties.Mode.off) {
			rules = null;
			reconciliation = null;
			reads = null;
			return;
		}
		AccessPolicy policy = AccessPolicy.load();
		rules = new RelationshipRules(policy, fhir, searchParams, extractor, matcher, matchUrls);
		RelationshipStore store = new RelationshipStore(dataSource);
		Relationships relationships = new Relationships(store, daos);
		AccessGrants grants = new AccessGrants(store, daos.getResourceDao(Basic.class));
		RelationshipMaintenance maintenance =
				new RelationshipMaintenance(rules, store, grants, relationships, daos, entityManagers);
		reconciliation = new RelationshipReconciliation(store, maintenance, grants, transactions, dataSource);
		Authorship authorship = new Authorship(policy, fhir);
		authorship.check();
		reads = new ReadRules(fhir, children, relationships, authorship, policy.auditReaders().relationships());
		fhirServer.registerInterceptor(new SearchNarrowing(fhir, children, relationships));
		fhirServer.registerInterceptor(new RequestGate(reads, fhir, daos, matchUrls));
		fhirServer.registerInterceptor(new ConsentInterceptor(reads));
		fhirServer.registerInterceptor(new WriteRules(fhir, children, relationships, authorship, reads));
		storageInterceptors.registerInterceptor(maintenance);
	}

	/** Who reads a child's audit trail: the audit trail's searches ask. */
	@Bean
	AuditTrailReaders auditTrailReaders() {
		return (caller, child) -> reads != null && (caller.isAdmin() || reads.readsTrailOf(caller, child));
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
