package uk.childlink.platform.ops;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import ch.qos.logback.classic.LoggerContext;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/**
 * Operations support (Actuator health and metrics are configured in application.yaml); adds FHIR request metrics, and
 * keeps clients' mistakes out of the log's ERROR level ({@link ClientFaultLogFilter}).
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfig implements Pipeline.Contributor {

	private final FhirRequestMetrics metrics;

	OperationsConfig(FhirContext fhir, MeterRegistry registry) {
		metrics = new FhirRequestMetrics(registry, Set.copyOf(fhir.getResourceTypes()));
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
			ClientFaultLogFilter filter = new ClientFaultLogFilter();
			filter.start();
			logging.addTurboFilter(filter);
		}
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.METRICS, metrics));
	}
}
