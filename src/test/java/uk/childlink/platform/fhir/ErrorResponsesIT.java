package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp.Response;

/** What a client gets for a bad request: the right 4xx and an OperationOutcome saying what is wrong. */
class ErrorResponsesIT extends IntegrationTest {

	private static final Map<String, String> JSON = Map.of(
			"Content-Type", "application/fhir+json", "Accept", "application/fhir+json");

	@Test
	void malformedJson() {
		Response response = http().send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Patient\", \"name\": [");

		assertOutcome(response, 400, "Failed to parse request body");
	}

	@Test
	void wrongResourceTypeInBody() {
		Response response = http().send("POST", "/fhir/Patient", JSON, "{\"resourceType\":\"Observation\",\"status\":\"final\"}");

		assertOutcome(response, 400, "Observation");
	}

	@Test
	void unknownElementIsRefusedNotDropped() {
		String nhs = Fixtures.nextNhsNumber();
		String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + Fixtures.NHS_NUMBER_SYSTEM
				+ "\",\"value\":\"" + nhs + "\"}],\"favouriteColour\":\"blue\"}";

		Response response = http().send("POST", "/fhir/Patient", JSON, body);

		assertOutcome(response, 400, "Unknown element 'favouriteColour'");
		assertThat(RestInteractionsIT.searchByNhsNumber(client(), nhs).getTotal()).isZero();
	}

	@Test
	void xmlExternalEntityIsNotExpanded() {
		String xxe = "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
				+ "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&e;\"/></name></Patient>";

		Response response = http().send("POST", "/fhir/Patient",
				Map.of("Content-Type", "application/fhir+xml", "Accept", "application/fhir+json"), xxe);

		// the DTD is not processed, so the external entity is never read
		OperationOutcome outcome = assertOutcome(response, 400, "Undeclared general entity");
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).doesNotContain("root:");
	}

	@Test
	void aBodyLargerThanTheLimitOnceUncompressedIsRefused413() throws java.io.IOException {
		// 21 MB of JSON whitespace, about 20 KB gzip-compressed: over childlink.server.max-request-size (20 MB)
		java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
		try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
			gzip.write("{\"resourceType\":\"Patient\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			byte[] spaces = new byte[1024 * 1024];
			java.util.Arrays.fill(spaces, (byte) ' ');
			for (int i = 0; i < 21; i++) {
				gzip.write(spaces);
			}
			gzip.write('}');
		}
		Map<String, String> gzipped = Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json",
				"Content-Encoding", "gzip");

		Response response = http().sendBytes("POST", "/fhir/Patient", gzipped, zipped.toByteArray());

		assertOutcome(response, 413, "childlink.server.max-request-size");
	}

	@Test
	void unknownResourceType() {
		Response response = http().get("/fhir/Child?name=Ada");

		assertOutcome(response, 404, "Unknown resource type 'Child'");
	}

	@Test
	void unknownId() {
		Response response = http().get("/fhir/Patient/no-such-child");

		assertOutcome(response, 404, "Patient/no-such-child");
	}

	@Test
	void unknownSearchParameter() {
		Response response = http().get("/fhir/Patient?favourite-colour=blue");

		assertOutcome(response, 400, "favourite-colour");
	}

	@Test
	void malformedConditionalUrlIsABadRequest() {
		Map<String, String> headers = Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json",
				"If-None-Exist", "nhs-number=%");

		Response response = http().send("POST", "/fhir/Patient", headers, "{\"resourceType\":\"Patient\"}");

		assertThat(response.status()).isBetween(400, 499);
		FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
	}

	@Test
	void fullTextSearchIsNotOffered() {
		Response response = http().get("/fhir/Patient?_content=asthma");

		assertOutcome(response, 400, "Fulltext search is not enabled");
	}

	@Test
	void invalidSearchValue() {
		Response response = http().get("/fhir/Patient?birthdate=last-tuesday");

		assertOutcome(response, 400, "Invalid prefix: \"last\"");
	}

	@Test
	void staleIfMatchIsAPreconditionFailure() {
		IdType id = (IdType) client().create()
				.resource(Fixtures.child(Fixtures.nextNhsNumber(), "Marsh", "Eden", "2015-12-12")).execute().getId();
		Patient patient = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		patient.getNameFirstRep().setFamily("Marsh-Two");
		client().update().resource(patient).execute(); // now at version 2

		String body = FHIR.newJsonParser().encodeResourceToString(patient.setId(id.toUnqualifiedVersionless()));
		Map<String, String> headers = Map.of(
				"Content-Type", "application/fhir+json", "Accept", "application/fhir+json", "If-Match", "W/\"1\"");
		Response response = http().send("PUT", "/fhir/Patient/" + id.getIdPart(), headers, body);

		assertOutcome(response, 412, "not the current version");
		Patient current = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(current.getMeta().getVersionId()).isEqualTo("2");
	}

	@Test
	void unsupportedContentType() {
		Response response = http().send("POST", "/fhir/Patient",
				Map.of("Content-Type", "text/plain", "Accept", "application/fhir+json"), "Ada Lovelace");

		assertThat(response.status()).isBetween(400, 499);
		assertThat(response.status()).isNotEqualTo(404);
		FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
	}

	static OperationOutcome assertOutcome(Response response, int status, String diagnosticsContains) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().get("content-type")).startsWith("application/fhir+json");
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue()).isNotEmpty();
		assertThat(outcome.getIssueFirstRep().getSeverity()).isIn(
				OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(diagnosticsContains);
		return outcome;
	}
}
