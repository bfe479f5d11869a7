package uk.childlink.identity.rules;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.StorageProperties;

/**
 * Registers the identity rules with HAPI's storage interceptors (the JPA interceptor service, so that they apply to
 * every write path: REST, transactions, operations and internal writes), and the duplicate-child explanation with
 * the REST server.
 */
@Configuration(proxyBeanMethods = false)
class IdentityRulesConfig {

	IdentityRulesConfig(IInterceptorService storageInterceptors, RestfulServer fhirServer, PatientIdentifierRules rules,
			FhirContext fhirContext, StorageProperties storage) {
		storageInterceptors.registerInterceptor(new PatientIdentityInterceptor(rules, fhirContext));
		storageInterceptors.registerInterceptor(new NhsNumberSearchNormaliser());
		if (storage.tuned()) {
			storageInterceptors.registerInterceptor(new OneChildLookups());
		}
		fhirServer.registerInterceptor(new DuplicateChildInterceptor(fhirContext));
	}
}
