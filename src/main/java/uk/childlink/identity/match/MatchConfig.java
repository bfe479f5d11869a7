package uk.childlink.identity.match;

import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Configuration;

/** Publishes {@code Patient/$match}. */
@Configuration(proxyBeanMethods = false)
class MatchConfig {

	MatchConfig(RestfulServer fhirServer, PatientMatcher matcher) {
		fhirServer.registerProvider(new PatientMatchOperation(matcher));
	}
}
