package uk.childlink.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp.Response;

/** Health probes and metrics for the people who run the server: outside {@code /fhir}. */
class OperationsEndpointsIT extends IntegrationTest {

	@Test
	void livenessAndReadinessAreUp() {
		Response liveness = http().get("/actuator/health/liveness", "application/json");
		Response readiness = http().get("/actuator/health/readiness", "application/json");

		assertThat(liveness.status()).isEqualTo(200);
		assertThat(liveness.body()).contains("\"status\":\"UP\"");
		assertThat(readiness.status()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"status\":\"UP\"");
	}

	@Test
	void prometheusMetricsIncludeJvmAndHttpAndPool() {
		http().get("/fhir/metadata");

		Response metrics = http().get("/actuator/prometheus", "text/plain");

		assertThat(metrics.status()).isEqualTo(200);
		assertThat(metrics.headers().get("content-type")).startsWith("text/plain");
		assertThat(metrics.body()).contains("jvm_memory_used_bytes", "hikaricp_connections_active", "fhir_requests_seconds_count{interaction=\"metadata\"");
	}

	@Test
	void madeUpResourceTypesAndOperationsDoNotBecomeMetricLabels() {
		http().get("/fhir/Zz0x?name=a");
		http().get("/fhir/Patient/$nope7");

		String metrics = http().get("/actuator/prometheus", "text/plain").body();

		assertThat(metrics).doesNotContain("Zz0x", "$nope7");
		assertThat(metrics).contains("fhir_requests_seconds_count{interaction=\"unknown\",operation=\"none\",resource=\"unknown\"");
	}

	@Test
	void operationsEndpointsAreNotUnderFhir() {
		assertThat(http().get("/fhir/actuator/health", "application/json").status()).isEqualTo(404);
	}
}
