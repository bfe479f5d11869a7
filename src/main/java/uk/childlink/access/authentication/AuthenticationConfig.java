package uk.childlink.access.authentication;

import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AccessProperties;

/** Puts the token's caller on every FHIR request and publishes how to get a token. */
@Configuration(proxyBeanMethods = false)
class AuthenticationConfig {

	private final SmartConfiguration smart;

	AuthenticationConfig(RestfulServer fhirServer, AccessProperties access) {
		this.smart = new SmartConfiguration(access);
		if (access.mode() == AccessProperties.Mode.on) {
			fhirServer.registerInterceptor(new TokenCallers(access));
		}
		fhirServer.registerInterceptor(smart.new CapabilityStatementSecurity());
	}

	@Bean
	ServletRegistrationBean<?> smartConfigurationServlet() {
		// an exact path wins over the FHIR servlet's /fhir/*
		ServletRegistrationBean<?> registration = new ServletRegistrationBean<>(smart.servlet(), SmartConfiguration.PATH);
		registration.setName("smartConfiguration");
		return registration;
	}
}
