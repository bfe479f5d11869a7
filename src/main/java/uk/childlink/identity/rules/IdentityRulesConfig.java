package uk.childlink.identity.rules;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the identity rules with HAPI's storage interceptors (the JPA interceptor service, so that they apply to
 * every write path: REST, transactions, operations and internal writes).
 */
@Configuration(proxyBeanMethods = false)
class IdentityRulesConfig {

	IdentityRulesConfig(IInterceptorService storageInterceptors, PatientIdentifierRules rules, FhirContext fhirContext) {
		storageInterceptors.registerInterceptor(new PatientIdentityInterceptor(rules, fhirContext));
	}
}
