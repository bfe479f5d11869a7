package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.time.Clock;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AccessProperties;

/**
 * Registers the authorisation rules with the FHIR server (they apply to client requests; the server's own work is
 * not checked): the request gate, HAPI's consent interceptor with the read rules, and the write rules. With access
 * control off, none is registered.
 */
@Configuration(proxyBeanMethods = false)
class AuthorisationConfig {

	AuthorisationConfig(RestfulServer fhirServer, IInterceptorService storageInterceptors, AccessProperties access,
			FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls, Children children) {
		if (access.mode() == AccessProperties.Mode.off) {
			return;
		}
		AccessPolicy policy = AccessPolicy.load();
		Relationships relationships = new Relationships(policy, daos, matchUrls, fhir, access.relationshipCache(),
				Clock.systemDefaultZone());
		relationships.check();
		Authorship authorship = new Authorship(policy, fhir);
		authorship.check();
		ReadRules reads = new ReadRules(fhir, children, relationships, authorship, policy.auditReaders().relationships());
		fhirServer.registerInterceptor(new RequestGate(reads, fhir, daos, matchUrls));
		fhirServer.registerInterceptor(new ConsentInterceptor(reads));
		fhirServer.registerInterceptor(new WriteRules(fhir, children, relationships, authorship, reads));
		storageInterceptors.registerInterceptor(new RelationshipChanges(children, relationships));
	}
}
