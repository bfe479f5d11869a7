package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;

/**
 * A Patient as NHS England systems write it (UK Core: the NHS number with its verification status, the ethnic
 * category, residential status and birth sex extensions, the GP practice by ODS code, a UK Core meta.profile the server
 * does not hold) is stored as it was sent, every extension kept, and found by its NHS number
 * ({@code src/test/resources/ukcore/Patient-ukcore-child.json}, synthetic).
 */
class UkCorePatientIT extends IntegrationTest {

	private static final String UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/";
	private static final Map<String, String> JSON = Map.of(
			"Content-Type", "application/fhir+json", "Accept", "application/fhir+json");

	@Test
	void aUkCorePatientIsStoredAsSentWithItsExtensions() throws IOException {
		String nhs = Fixtures.nextNhsNumber();
		String sent = fixture().replace("{nhs}", nhs).replace("{ods}", "A" + nhs.substring(4, 9));

		RawHttp.Response created = http().send("POST", "/fhir/Patient", JSON, sent);

		assertThat(created.status()).as(created.body()).isEqualTo(201);
		Patient stored = FHIR.newJsonParser().parseResource(Patient.class, created.body());
		Patient original = FHIR.newJsonParser().parseResource(Patient.class, sent);
		assertThat(stored.getMeta().getProfile()).extracting(p -> p.getValue())
				.containsExactly(UK_CORE + "UKCore-Patient");
		assertThat(stored.getExtension()).extracting(e -> e.getUrl()).containsExactly(
				UK_CORE + "Extension-UKCore-EthnicCategory", UK_CORE + "Extension-UKCore-ResidentialStatus",
				UK_CORE + "Extension-UKCore-BirthSex");
		assertThat(stored.getExtension()).zipSatisfy(original.getExtension(),
				(kept, given) -> assertThat(kept.getValue().equalsDeep(given.getValue())).as(kept.getUrl()).isTrue());
		Identifier nhsNumber = stored.getIdentifierFirstRep();
		assertThat(nhsNumber.getValue()).isEqualTo(nhs);
		assertThat(((CodeableConcept) nhsNumber.getExtensionByUrl(
				UK_CORE + "Extension-UKCore-NHSNumberVerificationStatus").getValue()).getCodingFirstRep().getCode())
				.isEqualTo("01");
		Reference gp = stored.getGeneralPractitionerFirstRep();
		assertThat(gp.getIdentifier().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/ods-organization-code");
		assertThat(gp.getIdentifier().getValue()).isEqualTo(original.getGeneralPractitionerFirstRep().getIdentifier().getValue());
		assertThat(stored.getAddressFirstRep().getPostalCode()).isEqualTo("ZZ99 3AA");

		RawHttp.Response found = http().get("/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs);
		assertThat(found.body()).contains(stored.getIdElement().getIdPart());
	}

	@Test
	void aWrongVerificationStatusIsStillRefusedWithItsLocation() throws IOException {
		String sent = fixture().replace("{nhs}", Fixtures.nextNhsNumber()).replace("{ods}", "A81001")
				.replace("\"code\": \"01\"", "\"code\": \"99\"");

		RawHttp.Response refused = http().send("POST", "/fhir/Patient", JSON, sent);

		assertThat(refused.status()).as(refused.body()).isEqualTo(422);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("verification status");
		assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Patient.identifier[0].extension[0]");
	}

	private String fixture() throws IOException {
		try (InputStream in = getClass().getResourceAsStream("/ukcore/Patient-ukcore-child.json")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}
}
