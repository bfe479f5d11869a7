package uk.childlink.platform;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The server's application context: Spring Boot's servlet web server context, with its bean definitions frozen as
 * the embedded web server is created rather than just after. Spring creates the web server, and with it the FHIR
 * servlet and everything that needs (HAPI's 146 resource DAOs among them), before it freezes the configuration, and
 * until then it does not remember which beans are of a type: each of the DAOs' autowired fields scanned every bean
 * definition again, a sixth of the start-up's CPU (Java Flight Recorder; docs/performance.md). Nothing registers
 * bean definitions once the post-processors are in place, so freezing here is what Spring itself does a moment
 * later. Plain HAPI (the benchmark's baseline) keeps Boot's own context. Registered in
 * {@code META-INF/spring.factories}, so that the tests' context is made the same way.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ServerContextFactory implements ApplicationContextFactory {

	@Override
	public ConfigurableApplicationContext create(WebApplicationType type) {
		return type == WebApplicationType.SERVLET ? new Context() : null;
	}

	static final class Context extends AnnotationConfigServletWebServerApplicationContext {

		@Override
		protected void onRefresh() {
			freezeUnlessPlainHapi();
			super.onRefresh(); // makes the web server
		}

		void freezeUnlessPlainHapi() {
			if (!PlainHapi.on(getEnvironment())) {
				getBeanFactory().freezeConfiguration();
			}
		}
	}
}
