package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** The FHIR rules a request's body is held to before anything looks at it, wherever in the body they are broken. */
class BodyRulesTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private final BodyRules rules = new BodyRules(FHIR);

	@Test
	void aControlCharacterInAnExtensionsValueInABatchEntryIsFoundWithItsPlace() {
		IBaseResource batch = FHIR.newJsonParser().parseResource("{\"resourceType\":\"Bundle\",\"type\":\"batch\","
				+ "\"entry\":[{\"resource\":{\"resourceType\":\"Organization\",\"extension\":[{\"url\":\"http://e.org/x\","
				+ "\"valueCoding\":{\"system\":\"http://e.org/s\",\"code\":\"\\u0000\"}}],\"name\":\"x\"},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Organization\"}}]}");

		assertThatThrownBy(() -> rules.check(batch)).isInstanceOfSatisfying(InvalidRequestException.class, e ->
				org.assertj.core.api.Assertions.assertThat(((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep()
						.getExpression().get(0).getValue())
						.isEqualTo("Bundle.entry[0].resource.extension[0].valueCoding.code"));
	}

	@Test
	void aLoneSurrogateAndAConditionalReferenceWithoutATypeAreRefused() {
		IBaseResource surrogate = FHIR.newJsonParser().parseResource(
				"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"\\ud800\"}]}");
		IBaseResource reference = FHIR.newJsonParser().parseResource(
				"{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
						+ "\"subject\":{\"reference\":\"?identifier=x\"}}");

		assertThatThrownBy(() -> rules.check(surrogate)).hasMessageContaining("lone surrogate");
		assertThatThrownBy(() -> rules.check(reference)).hasMessageContaining("names no resource type");
	}

	@Test
	void tabsLineEndsAndOtherScriptsAreFine() {
		IBaseResource fine = FHIR.newJsonParser().parseResource("{\"resourceType\":\"Patient\",\"name\":[{\"family\":"
				+ "\"Brontë\\tO'Brien\\r\\n😀\"}],\"generalPractitioner\":[{\"reference\":\"Organization?identifier=x|y\"}]}");

		assertThatCode(() -> rules.check(fine)).doesNotThrowAnyException();
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
		"POST; Organization/1/$expunge; Organization; Operations are not run inside a batch or transaction",
		"POST; Patient/$validate; Patient; Operations are not run inside a batch or transaction",
		"PUT; Organization/1/$meta-add; Organization; Operations are not run inside a batch or transaction",
		"POST; Patient; Organization; names Patient but its resource is of type Organization",
		"PUT; Patient/1; Organization; names Patient but its resource is of type Organization",
		"POST; ?name=x; Organization; names no resource type",
	})
	void aWritingEntryDoesWhatItsUrlSays(String method, String url, String type, String message) {
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Organization/1/$meta");
		batch.addEntry().setResource((org.hl7.fhir.r4.model.Resource) FHIR.getResourceDefinition(type).newInstance())
				.getRequest().setMethod(Bundle.HTTPVerb.fromCode(method)).setUrl(url);

		assertThatThrownBy(() -> rules.checkEntries(batch)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
			OperationOutcome.OperationOutcomeIssueComponent issue = ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep();
			org.assertj.core.api.Assertions.assertThat(issue.getDiagnostics()).contains(message);
			org.assertj.core.api.Assertions.assertThat(issue.getExpression().get(0).getValue()).isEqualTo("Bundle.entry[1].request.url");
		});
	}

	@Test
	void entriesAddressedAsFhirSaysPass() {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(new org.hl7.fhir.r4.model.Patient()).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist("identifier=x|y");
		transaction.addEntry().setResource(new org.hl7.fhir.r4.model.Patient()).getRequest()
				.setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient?identifier=x|z");
		transaction.addEntry().setResource(new org.hl7.fhir.r4.model.Organization()).getRequest()
				.setMethod(Bundle.HTTPVerb.PUT).setUrl("Organization/7");
		transaction.addEntry().setResource(new org.hl7.fhir.r4.model.Parameters()).getRequest()
				.setMethod(Bundle.HTTPVerb.PATCH).setUrl("Patient/7");
		transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation?code=x");
		transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/7/$everything");

		assertThatCode(() -> rules.checkEntries(transaction)).doesNotThrowAnyException();
	}
}
