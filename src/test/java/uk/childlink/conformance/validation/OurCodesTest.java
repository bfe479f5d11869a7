package uk.childlink.conformance.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.loading.ConformanceFiles;

/** Codings claiming ChildLink's code systems, judged against its code lists, located by FHIRPath. */
class OurCodesTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String CS = "https://fhir.childlink.uk/CodeSystem/";
	private final OurCodes ourCodes = new OurCodes(new CodeLists(ConformanceFiles.readAll(FHIR)));

	@Test
	void aCodeOurCodeSystemDefinesPasses() {
		Observation obs = new Observation();
		obs.getCode().addCoding().setSystem(CS + "observation-code").setCode("cp-plan");
		obs.addCategory().addCoding().setSystem("http://loinc.org").setCode("anything"); // not ours to judge
		assertThat(ourCodes.problems(obs)).isEmpty();
	}

	@Test
	void aCodeOurCodeSystemDoesNotDefineIsAProblemAtItsCoding() {
		Observation obs = new Observation();
		obs.getCode().addCoding().setSystem("http://loinc.org").setCode("1");
		obs.getCode().addCoding().setSystem(CS + "observation-code").setCode("no-such-code");
		obs.setValue(new CodeableConcept(new Coding(CS + "cp-category", "not-a-category", null)));
		assertThat(ourCodes.problems(obs)).containsExactly(
				new OurCodes.Problem("Observation.code.coding[1]",
						"Unknown code observation-code#no-such-code: the code system " + CS
								+ "observation-code has no code 'no-such-code'"),
				new OurCodes.Problem("Observation.valueCodeableConcept.coding[0]",
						"Unknown code cp-category#not-a-category: the code system " + CS
								+ "cp-category has no code 'not-a-category'"));
	}

	@Test
	void aCodeSystemOfOursThatDoesNotExistIsAProblem() {
		Patient child = new Patient();
		child.addIdentifier().getType().addCoding().setSystem(CS + "no-such-system").setCode("x");
		assertThat(ourCodes.problems(child)).containsExactly(new OurCodes.Problem(
				"Patient.identifier[0].type.coding[0]", "ChildLink has no code system " + CS + "no-such-system"));
	}

	@Test
	void aFragmentAcceptsOtherCodesAndValuelessSystemsOrCodesAreNotJudgedHere() {
		Observation obs = new Observation();
		obs.getCode().addCoding().setSystem(CS + "upn-unknown-reason").setCode("some-other-reason");
		Coding valueless = obs.getCode().addCoding();
		valueless.setSystemElement(new UriType());
		valueless.getSystemElement().addExtension("http://hl7.org/fhir/StructureDefinition/data-absent-reason",
				new CodeType("unknown"));
		valueless.setCode("x");
		obs.getCode().addCoding().setSystem(CS + "observation-code"); // no code: the profile's to require
		assertThat(ourCodes.problems(obs)).isEmpty();
	}
}
