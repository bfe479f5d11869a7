package uk.childlink.platform.ops;

import ca.uhn.fhir.rest.server.RestfulServer;
import io.micrometer.core.instrument.MeterRegistry;
import ch.qos.logback.classic.LoggerContext;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Operations support (Actuator health and metrics are configured in application.yaml); adds FHIR request metrics, and
 * keeps clients' mistakes out of the log's ERROR level ({@link ClientFaultLogFilter}).
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfig {

	OperationsConfig(RestfulServer fhirServer, MeterRegistry registry) {
		fhirServer.registerInterceptor(new FhirRequestMetrics(registry, Set.copyOf(fhirServer.getFhirContext().getResourceTypes())));
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
			ClientFaultLogFilter filter = new ClientFaultLogFilter();
			filter.start();
			logging.addTurboFilter(filter);
		}
	}
}
