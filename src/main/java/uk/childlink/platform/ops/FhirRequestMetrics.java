package uk.childlink.platform.ops;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Times every FHIR request as {@code fhir.requests} (Prometheus: {@code fhir_requests_seconds}), tagged with the
 * FHIR interaction, resource type, operation and HTTP status. The FHIR servlet sits outside Spring MVC, so Boot's
 * {@code http.server.requests} does not see it.
 */
@Interceptor
class FhirRequestMetrics {

	private final MeterRegistry registry;

	FhirRequestMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void record(RequestDetails request, ServletRequestDetails servletRequest) {
		RestOperationTypeEnum interaction = request.getRestOperationType();
		Timer.builder("fhir.requests")
				.description("FHIR REST requests handled")
				.tag("interaction", interaction == null ? "unknown" : interaction.getCode())
				.tag("resource", Objects.requireNonNullElse(request.getResourceName(), "none"))
				.tag("operation", Objects.requireNonNullElse(request.getOperation(), "none"))
				.tag("status", Integer.toString(servletRequest.getServletResponse().getStatus()))
				.register(registry)
				.record(request.getRequestStopwatch().getMillis(), TimeUnit.MILLISECONDS);
	}
}
