package uk.childlink.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole server, started once per test run (every subclass shares the same
 * Spring context) on an embedded PostgreSQL in a fresh directory under {@code target/}, driven over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // Boot's tests switch metrics export off unless asked; the Prometheus endpoint is tested
public abstract class IntegrationTest {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();

	private static final Path DATA_DIR = newDataDir();

	static {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
		// room for the concurrency tests' 50 simultaneous requests
		FHIR.getRestfulClientFactory().setPoolMaxPerRoute(100);
		FHIR.getRestfulClientFactory().setPoolMaxTotal(200);
	}

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void serverProperties(DynamicPropertyRegistry registry) {
		registry.add("childlink.server.data-dir", DATA_DIR::toString);
		// short enough for DatabaseUnavailableIT to wait for, far above any statement the tests make
		registry.add("childlink.server.statement-timeout", () -> "10s");
		// the signals' test receiver listens on this machine, over plain HTTP; failures are retried at once
		registry.add("childlink.signals.allow-http", () -> "true");
		registry.add("childlink.signals.allowed-networks", () -> "127.0.0.1/32");
		registry.add("childlink.signals.retry", () -> "200ms");
		registry.add("childlink.signals.delivery-timeout", () -> "3s");
		// bulk export files are removed this long after they are written (BulkExportIT waits for it)
		registry.add("childlink.population.export-retention", () -> "20s");
	}

	protected String baseUrl() {
		return "http://localhost:" + port + "/fhir";
	}

	/** A FHIR client acting as an admin (tests of access control make their own with {@link #client(String)}). */
	protected IGenericClient client() {
		return client(Tokens.admin());
	}

	/** A FHIR client sending {@code token}, or no token when null. */
	protected IGenericClient client(String token) {
		IGenericClient client = FHIR.newRestfulGenericClient(baseUrl());
		return token == null ? client : Tokens.as(client, token);
	}

	/** Raw HTTP acting as an admin. */
	protected RawHttp http() {
		return http(Tokens.admin());
	}

	/** Raw HTTP sending {@code token}, or no token when null. */
	protected RawHttp http(String token) {
		RawHttp http = new RawHttp("localhost", port);
		return token == null ? http : http.withToken(token);
	}

	private static Path newDataDir() {
		try {
			Path parent = Files.createDirectories(Paths.get("target", "it-data"));
			Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "server-");
			Tokens.install(dir); // the server trusts the tests' key as its development issuer
			return dir;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
