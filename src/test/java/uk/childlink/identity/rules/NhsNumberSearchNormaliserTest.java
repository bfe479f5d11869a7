package uk.childlink.identity.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NhsNumberSearchNormaliserTest {

	@org.junit.jupiter.api.Test
	void aMalformedEscapeIsLeftForHapiToReport() {
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> NhsNumberSearchNormaliser.normaliseUrl("nhs-number=%"))
				.isInstanceOf(IllegalArgumentException.class);
		var request = new ca.uhn.fhir.jpa.dao.PreVerifyConditionalMatchCriteriaRequest(new org.hl7.fhir.r4.model.Patient());
		request.setConditionalUrl("Patient?nhs-number=%");

		new NhsNumberSearchNormaliser().normaliseConditionalUrl(request);

		assertThat(request.getConditionalUrl()).isEqualTo("Patient?nhs-number=%");
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', value = {
		"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|999-000-0018; Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018",
		"Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C999%20000%200018; Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018",
		"Patient?nhs-number=999 000 0018&family=Lark; Patient?nhs-number=9990000018&family=Lark",
		"Patient?identifier=https://fhir.childlink.uk/Id/upn|B801200005001; Patient?identifier=https%3A%2F%2Ffhir.childlink.uk%2FId%2Fupn%7CB801200005001",
		"Patient?nhs-number=not-a-number; Patient?nhs-number=not-a-number",
		"Patient?family=Lark; Patient?family=Lark",
		"Patient; Patient",
		"identifier=https://fhir.nhs.uk/Id/nhs-number|999-000-0018; identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018",
		"nhs-number=999 000 0018; nhs-number=9990000018",
		"Observation?subject:Patient.identifier=https://fhir.nhs.uk/Id/nhs-number|999 000 0018; Observation?subject:Patient.identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018",
		"Observation?patient.nhs-number=999-000-0018; Observation?patient.nhs-number=9990000018",
	})
	void conditionalUrlsCarryTheTenDigits(String url, String expected) {
		assertThat(NhsNumberSearchNormaliser.normaliseUrl(url)).isEqualTo(expected);
	}

	@org.junit.jupiter.api.Test
	void aChainEndingAtTheNhsNumberIsNormalisedInPlace() {
		var typed = new ca.uhn.fhir.rest.param.ReferenceParam("Patient", "identifier",
				"https://fhir.nhs.uk/Id/nhs-number|999 000 0018");
		var bare = new ca.uhn.fhir.rest.param.ReferenceParam(null, "nhs-number", "999-000-0018");
		var upn = new ca.uhn.fhir.rest.param.ReferenceParam("Patient", "identifier", "https://fhir.childlink.uk/Id/upn|B801200005001");
		var map = new ca.uhn.fhir.jpa.searchparam.SearchParameterMap();
		// lists HAPI cannot change: the parameters are normalised where they are
		map.addOrList("subject", java.util.List.of(typed, upn));
		map.addOrList("patient", java.util.List.of(bare));

		new NhsNumberSearchNormaliser().normaliseSearch(map);

		assertThat(typed.getValue()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number|9990000018");
		assertThat(typed.getResourceType()).isEqualTo("Patient");
		assertThat(typed.getChain()).isEqualTo("identifier");
		assertThat(bare.getValue()).isEqualTo("9990000018");
		assertThat(bare.getChain()).isEqualTo("nhs-number");
		assertThat(upn.getValue()).isEqualTo("https://fhir.childlink.uk/Id/upn|B801200005001");
	}
}
