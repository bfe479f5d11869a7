package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Tokens;

/** Who gets in: a signed token from the trusted issuer, in date and untampered; the public endpoints for anyone. */
class AuthenticationIT extends IntegrationTest {

	private static final String READER = Tokens.token().scope("user/*.rs").sign();

	@Test
	void aRequestWithoutATokenIsRefusedWithAnOperationOutcome() {
		RawHttp.Response response = http(null).get("/fhir/Patient?name=anyone");
		assertRefused(response, "needs an OAuth2 bearer token");
		assertThat(response.headers().get("www-authenticate")).startsWith("Bearer");
	}

	@Test
	void anExpiredTokenIsRefused() {
		String expired = Tokens.token().scope("user/*.rs").issued(Duration.ofHours(2), Duration.ofHours(1)).sign();
		assertRefused(http(expired).get("/fhir/Patient?name=anyone"), "expired");
	}

	@Test
	void aTokenFromAnotherIssuerIsRefused() {
		String other = Tokens.token().scope("user/*.rs").issuer("https://login.example.invalid").sign();
		assertRefused(http(other).get("/fhir/Patient?name=anyone"), "iss");
	}

	@Test
	void aTokenSignedWithAnotherKeyIsRefused() {
		String stranger = Tokens.token().scope("user/*.rs").signedByStranger().sign();
		assertRefused(http(stranger).get("/fhir/Patient?name=anyone"), "refused");
	}

	@Test
	void aTamperedTokenIsRefused() {
		String[] parts = READER.split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
				.replace("user/*.rs", "user/*.cruds");
		String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
				.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
		assertRefused(http(tampered).get("/fhir/Patient?name=anyone"), "refused");
		assertRefused(http("not-a-jwt").get("/fhir/Patient?name=anyone"), "refused");
	}

	@Test
	void aGoodTokenGetsIn() {
		assertThat(http(READER).get("/fhir/Patient?name=nobody-" + System.nanoTime()).status()).isEqualTo(200);
	}

	@Test
	void theCapabilityStatementAndSmartConfigurationArePublicAndDescribeTheSecurity() {
		RawHttp.Response metadata = http(null).get("/fhir/metadata");
		assertThat(metadata.status()).isEqualTo(200);
		CapabilityStatement cs = FHIR.newJsonParser().parseResource(CapabilityStatement.class, metadata.body());
		CapabilityStatement.CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
		assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
		assertThat(security.getDescription()).contains("SMART on FHIR v2", "AuditEvent");

		RawHttp.Response smart = http(null).get("/fhir/.well-known/smart-configuration", "application/json");
		assertThat(smart.status()).isEqualTo(200);
		assertThat(smart.body()).contains("\"issuer\" : \"" + Tokens.ISSUER + "\"", "permission-v2", "system/*.rs");

		assertThat(http(null).get("/actuator/health/readiness", "application/json").status()).isEqualTo(200);
	}

	@Test
	void theBreakGlassReasonNeedsTheRole() {
		RawHttp.Response response = http(READER).send("GET", "/fhir/Patient?name=x",
				Map.of("X-Break-Glass-Reason", "unconscious child in ED", "Accept", "application/fhir+json"), null);
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.body()).contains("break-glass role");
	}

	private static void assertRefused(RawHttp.Response response, String text) {
		assertThat(response.status()).isEqualTo(401);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).containsIgnoringCase(text);
	}
}
