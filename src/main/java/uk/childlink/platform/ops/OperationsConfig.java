package uk.childlink.platform.ops;

import ca.uhn.fhir.rest.server.RestfulServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.springframework.context.annotation.Configuration;

/** Operations support (Actuator health and metrics are configured in application.yaml); adds FHIR request metrics. */
@Configuration(proxyBeanMethods = false)
class OperationsConfig {

	OperationsConfig(RestfulServer fhirServer, MeterRegistry registry) {
		fhirServer.registerInterceptor(new FhirRequestMetrics(registry, Set.copyOf(fhirServer.getFhirContext().getResourceTypes())));
	}
}
