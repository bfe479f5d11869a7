package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
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
}
