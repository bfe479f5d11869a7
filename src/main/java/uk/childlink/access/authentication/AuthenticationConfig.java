package uk.childlink.access.authentication;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AccessProperties;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/** Puts the token's caller on every FHIR request and publishes how to get a token. */
@Configuration(proxyBeanMethods = false)
class AuthenticationConfig implements Pipeline.Contributor {

	private final SmartConfiguration smart;
	private final List<Pipeline.Step> steps = new ArrayList<>();

	AuthenticationConfig(AccessProperties access) {
		this.smart = new SmartConfiguration(access);
		if (access.mode() == AccessProperties.Mode.on) {
			steps.add(new Pipeline.Step(Place.AUTHENTICATION, new TokenCallers(access)));
		}
		steps.add(new Pipeline.Step(Place.SMART_CAPABILITIES, smart.new CapabilityStatementSecurity()));
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.copyOf(steps);
	}

	@Bean
	ServletRegistrationBean<?> smartConfigurationServlet() {
		// an exact path wins over the FHIR servlet's /fhir/*
		ServletRegistrationBean<?> registration = new ServletRegistrationBean<>(smart.servlet(), SmartConfiguration.PATH);
		registration.setName("smartConfiguration");
		return registration;
	}
}
