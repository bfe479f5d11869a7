package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.PlainHapi;

/**
 * The one place every interceptor is registered: the modules' {@link Pipeline.Contributor}s' steps, checked and in
 * pipeline order, each on the broadcaster its place names. A singleton created before the context is refreshed, so
 * before the conformance loader's first write and the servlet's first request. As plain HAPI ({@link PlainHapi})
 * nothing is registered.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfig {

	private static final Logger log = LoggerFactory.getLogger(PipelineConfig.class);

	@Bean
	RegisteredPipeline registeredPipeline(RestfulServer server, IInterceptorService storage,
			ObjectProvider<Pipeline.Contributor> contributors, Environment environment) {
		if (PlainHapi.on(environment)) {
			log.warn("PLAIN HAPI FHIR ({}=true): none of ChildLink's checks, profiles, access control or audit; anyone "
					+ "who can reach this server reads and writes everything. For the benchmark's baseline only.",
					PlainHapi.PROPERTY);
			return new RegisteredPipeline(List.of());
		}
		List<Pipeline.Step> steps = Pipeline.ordered(contributors.orderedStream()
				.flatMap(c -> c.steps().stream()).toList());
		for (Pipeline.Step step : steps) {
			if (step.place().broadcaster() == Pipeline.Broadcaster.REQUESTS) {
				server.registerInterceptor(step.interceptor());
			} else {
				storage.registerInterceptor(step.interceptor());
			}
		}
		log.debug("Request pipeline:\n{}", Pipeline.table(steps));
		return new RegisteredPipeline(steps);
	}
}
