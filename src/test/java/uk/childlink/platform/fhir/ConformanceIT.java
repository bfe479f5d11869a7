package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp.Response;

/** The CapabilityStatement and {@code $validate}: how a client learns what the server does. */
class ConformanceIT extends IntegrationTest {

	@Autowired
	BuildProperties build;

	@Test
	void capabilityStatementNamesChildLinkAndItsVersion() {
		CapabilityStatement cs = client().capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(cs.getName()).isEqualTo("ChildLink");
		assertThat(cs.getSoftware().getName()).isEqualTo("ChildLink");
		assertThat(cs.getSoftware().getVersion()).isEqualTo(build.getVersion()).isNotBlank();
		assertThat(cs.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
		assertThat(cs.getImplementation().getUrl()).isEqualTo(baseUrl());
		CapabilityStatement.CapabilityStatementRestResourceComponent patient = cs.getRestFirstRep().getResource().stream()
				.filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
		assertThat(patient.getInteraction()).extracting(i -> i.getCode().toCode())
				.contains("read", "vread", "update", "patch", "delete", "history-instance", "create", "search-type");
		assertThat(patient.getSearchParam()).extracting(p -> p.getName()).contains("identifier", "family", "birthdate");
		assertThat(patient.getOperation()).extracting(o -> o.getName()).contains("everything", "validate");
	}

	@Test
	void validateAcceptsAValidChild() {
		Patient valid = Fixtures.child(Fixtures.nextNhsNumber(), "Fenwick", "Ola", "2016-03-03");

		OperationOutcome outcome = validate(valid);

		assertThat(outcome.getIssue()).noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
	}

	@Test
	void validateReportsErrorsWithTheirLocation() {
		Patient invalid = Fixtures.child(Fixtures.nextNhsNumber(), "Fenwick", "Ola", "2016-03-03");
		// a contact with neither details nor an organisation breaks the invariant pat-1
		invalid.addContact().addRelationship().setText("Aunt");

		OperationOutcome outcome = validate(invalid);

		assertThat(outcome.getIssue()).anySatisfy(issue -> {
			assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
			assertThat(issue.getDiagnostics()).contains("pat-1");
			assertThat(issue.getLocation()).anySatisfy(l -> assertThat(l.getValue()).startsWith("Patient.contact"));
		});
	}

	/** POSTs the resource itself as the body, as a client checking before it sends would. */
	private OperationOutcome validate(Patient patient) {
		Response response = http().send("POST", "/fhir/Patient/$validate",
				Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(patient));
		// $validate succeeds as an operation whatever it finds: the verdict is in the OperationOutcome
		assertThat(response.status()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
	}
}
