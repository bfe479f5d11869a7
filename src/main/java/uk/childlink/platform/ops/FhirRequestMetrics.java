package uk.childlink.platform.ops;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import uk.childlink.platform.Pipeline;

/**
 * Times every FHIR request as {@code fhir.requests} (Prometheus: {@code fhir_requests_seconds}), tagged with the
 * FHIR interaction, resource type, operation and HTTP status. The FHIR servlet sits outside Spring MVC, so Boot's
 * {@code http.server.requests} does not see it. Labels come only from bounded sets (FHIR's resource types, the
 * operations the server answered), never from raw URL text, so a client cannot create metric series at will.
 */
@Interceptor(order = Pipeline.Order.METRICS)
class FhirRequestMetrics {

	private final MeterRegistry registry;
	private final Set<String> resourceTypes;

	FhirRequestMetrics(MeterRegistry registry, Set<String> resourceTypes) {
		this.registry = registry;
		this.resourceTypes = resourceTypes;
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void record(RequestDetails request, ServletRequestDetails servletRequest) {
		RestOperationTypeEnum interaction = request.getRestOperationType();
		int status = servletRequest.getServletResponse().getStatus();
		String resource = request.getResourceName();
		String operation = request.getOperation();
		Timer.builder("fhir.requests")
				.description("FHIR REST requests handled")
				.tag("interaction", interaction == null ? "unknown" : interaction.getCode())
				.tag("resource", resource == null ? "none" : resourceTypes.contains(resource) ? resource : "unknown")
				// an operation the server did not recognise ends in 400/404/405 before it has an interaction type
				.tag("operation", operation == null ? "none" : interaction == null || status == 404 || status == 405 ? "unknown" : operation)
				.tag("status", Integer.toString(status))
				.register(registry)
				.record(request.getRequestStopwatch().getMillis(), TimeUnit.MILLISECONDS);
	}
}
