package uk.childlink.conformance.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import uk.childlink.conformance.loading.ConformanceFiles;

/** Which profiles a resource must meet, from the applies-when rules of the packaged profiles. */
class ProfileSelectorTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String SD = "https://fhir.childlink.uk/StructureDefinition/";
	private static final String CS = "https://fhir.childlink.uk/CodeSystem/";

	private final ProfileSelector selector = new ProfileSelector(FHIR, ConformanceFiles.readAll(FHIR));

	@Test
	void everyPatientIsAChild() {
		assertThat(selector.profilesFor(new Patient())).containsExactly(SD + "child");
	}

	@Test
	void anObservationMeetsTheProfileOfItsCode() {
		assertThat(selector.profilesFor(observation("cp-plan"))).containsExactly(SD + "cp-plan");
		assertThat(selector.profilesFor(observation("suspension"))).containsExactly(SD + "exclusion");
		assertThat(selector.profilesFor(observation("permanent-exclusion"))).containsExactly(SD + "exclusion");
		assertThat(selector.profilesFor(observation("attendance-summary"))).containsExactly(SD + "attendance");
		assertThat(selector.profilesFor(observation("no-such-code"))).isEmpty();
	}

	@Test
	void organisationsAreSchoolsOrCouncilsByTheirIdentifier() {
		Organization school = new Organization();
		school.addIdentifier().setSystem("https://fhir.hl7.org.uk/Id/urn-school-number").setValue("123456");
		Organization trust = new Organization();
		trust.addIdentifier().setSystem("https://fhir.nhs.uk/Id/ods-organization-code").setValue("RXX");

		assertThat(selector.profilesFor(school)).containsExactly(SD + "school");
		assertThat(selector.profilesFor(trust)).isEmpty();
	}

	@Test
	void claimedProfilesCountButOnlyOurs() {
		Encounter encounter = new Encounter();
		encounter.getMeta().addProfile(SD + "contact|0.1.0");
		encounter.getMeta().addProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter");

		assertThat(selector.profilesFor(encounter)).containsExactly(SD + "contact");
	}

	@Test
	void recordsThatClaimOurCodeSystemsAreCheckedButDefinitionsQuotingThemAreNot() {
		Observation weight = new Observation();
		weight.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7");
		Observation ours = observation("anything");
		StructureDefinition definition = new StructureDefinition();
		definition.getDifferential().addElement().setPattern(observation("cp-plan").getCode().getCodingFirstRep());

		assertThat(selector.carriesOurCodes(weight)).isFalse();
		assertThat(selector.carriesOurCodes(ours)).isTrue();
		assertThat(selector.carriesOurCodes(definition)).isFalse();
	}

	@Test
	void errorsInABundleAreLocatedAtTheirEntry() {
		assertThat(ProfileValidator.location("Observation", "Observation.component[2].value", "Bundle.entry[4].resource"))
				.isEqualTo("Bundle.entry[4].resource.component[2].value");
		assertThat(ProfileValidator.location("Observation", "Observation", "Bundle.entry[4].resource"))
				.isEqualTo("Bundle.entry[4].resource");
		assertThat(ProfileValidator.location("Observation", "Observation.code", null)).isEqualTo("Observation.code");
		assertThat(ProfileValidator.location("Observation", null, null)).isEqualTo("Observation");
		assertThat(ProfileValidator.location("Observation", null, "Bundle.entry[1].resource"))
				.isEqualTo("Bundle.entry[1].resource");
	}

	private static Observation observation(String code) {
		Observation observation = new Observation();
		observation.getCode().addCoding().setSystem(CS + "observation-code").setCode(code);
		return observation;
	}
}
