package uk.childlink.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import uk.childlink.support.IntegrationTest;

/** ChildLink's code systems, loaded from terminology/ at start-up, through the standard terminology operations. */
class TerminologyIT extends IntegrationTest {

	private static final String BASE = "https://fhir.childlink.uk";

	@Test
	void lookupGivesTheAttendanceCodesStatisticalCategory() {
		Parameters illness = lookup(BASE + "/CodeSystem/attendance-code", "I");

		assertThat(illness.getParameter("display").getValue().primitiveValue()).startsWith("Illness");
		assertThat(property(illness, "category")).isEqualTo("authorised-other");
		assertThat(property(illness, "status")).isEqualTo("active");
	}

	@Test
	void retiredCodesAreKnownButNotCurrent() {
		Parameters interview = lookup(BASE + "/CodeSystem/attendance-code", "J");
		assertThat(property(interview, "status")).isEqualTo("retired");

		assertThat(validInCurrentCodes("J")).isFalse();
		assertThat(validInCurrentCodes("J1")).isTrue();
		assertThat(validInCurrentCodes("\\")).isTrue();
		assertThat(validInCurrentCodes("#")).isTrue();
	}

	@Test
	void expandingTheCurrentAttendanceCodesLeavesOutTheRetiredOnes() {
		ValueSet current = expand(BASE + "/ValueSet/attendance-code-current");

		List<String> codes = current.getExpansion().getContains().stream().map(c -> c.getCode()).toList();
		assertThat(codes).hasSize(34).contains("/", "\\", "L", "J1", "Y7", "#").doesNotContain("J", "Y", "H");
	}

	@Test
	void socialCareCodeListsExpand() {
		assertThat(expand(BASE + "/ValueSet/cp-category").getExpansion().getContains())
				.extracting(c -> c.getCode()).containsExactlyInAnyOrder("NEG", "PHY", "SAB", "EMO", "MUL");
		assertThat(expand(BASE + "/ValueSet/cin-primary-need").getExpansion().getContains()).hasSize(10);
	}

	@Test
	void dfeEthnicityTranslatesToTheNhsEthnicCategory() {
		assertThat(translate("WBRI")).isEqualTo("A equivalent");
		assertThat(translate("WROM")).isEqualTo("C wider"); // Gypsy/Roma has no NHS category of its own
		assertThat(translate("NOBT")).isEqualTo("99 equivalent");
	}

	@Test
	void lookedAfterPlacementTypesAndTheExclusionKindsAreServed() {
		assertThat(lookup(BASE + "/CodeSystem/lac-placement-type", "U4").getParameter("display").getValue()
				.primitiveValue()).contains("long-term");
		assertThat(expand(BASE + "/ValueSet/exclusion-type").getExpansion().getContains())
				.extracting(c -> c.getCode()).containsExactlyInAnyOrder("suspension", "permanent-exclusion");
	}

	@Test
	void authorisedAbsenceGroupsLeaveAndOtherAuthorisedAbsence() {
		ValueSet categories = expand(BASE + "/ValueSet/attendance-category");

		assertThat(categories.getExpansion().getContains()).extracting(c -> c.getCode())
				.contains("authorised", "authorised-leave", "authorised-other", "unauthorised", "not-possible");
	}

	@Test
	void observationCodesTranslateToSnomedWhereAConceptExists() {
		Parameters out = client().operation().onType(ConceptMap.class).named("$translate")
				.withParameter(Parameters.class, "url", new UriType(BASE + "/ConceptMap/observation-code-to-snomed"))
				.andParameter("system", new UriType(BASE + "/CodeSystem/observation-code"))
				.andParameter("code", new CodeType("cp-plan"))
				.execute();

		assertThat(((BooleanType) out.getParameter("result").getValue()).booleanValue()).isTrue();
		assertThat(out.getParameter().stream().filter(p -> p.getName().equals("match"))
				.flatMap(p -> p.getPart().stream()).filter(p -> p.getName().equals("concept"))
				.map(p -> ((org.hl7.fhir.r4.model.Coding) p.getValue()).getCode()))
				.containsExactly("342191000000101");
	}

	@Test
	void everyCodeSystemSaysWhereItsListComesFrom() {
		IGenericClient client = client();
		var bundle = client.search().byUrl("CodeSystem?url:below=" + BASE + "&_count=100")
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();

		assertThat(bundle.getEntry()).hasSizeGreaterThanOrEqualTo(12);
		assertThat(bundle.getEntry()).allSatisfy(e -> assertThat(((CodeSystem) e.getResource()).getDescription()).isNotBlank());
	}

	private Parameters lookup(String system, String code) {
		return client().operation().onType(CodeSystem.class).named("$lookup")
				.withParameter(Parameters.class, "system", new UriType(system))
				.andParameter("code", new CodeType(code))
				.execute();
	}

	private static String property(Parameters lookup, String name) {
		return lookup.getParameter().stream()
				.filter(p -> p.getName().equals("property"))
				.filter(p -> p.getPart().stream().anyMatch(part -> part.getName().equals("code")
						&& name.equals(part.getValue().primitiveValue())))
				.flatMap(p -> p.getPart().stream().filter(part -> part.getName().equals("value")))
				.map(part -> part.getValue() instanceof org.hl7.fhir.r4.model.Coding coding ? coding.getCode() : part.getValue().primitiveValue())
				.findFirst()
				.orElseThrow(() -> new AssertionError("no property " + name));
	}

	private boolean validInCurrentCodes(String code) {
		Parameters out = client().operation().onType(ValueSet.class).named("$validate-code")
				.withParameter(Parameters.class, "url", new UriType(BASE + "/ValueSet/attendance-code-current"))
				.andParameter("system", new UriType(BASE + "/CodeSystem/attendance-code"))
				.andParameter("code", new CodeType(code))
				.execute();
		return ((BooleanType) out.getParameter("result").getValue()).booleanValue();
	}

	private ValueSet expand(String url) {
		return client().operation().onType(ValueSet.class).named("$expand")
				.withParameter(Parameters.class, "url", new UriType(url))
				.returnResourceType(ValueSet.class).execute();
	}

	private String translate(String code) {
		Parameters out = client().operation().onType(ConceptMap.class).named("$translate")
				.withParameter(Parameters.class, "url", new UriType(BASE + "/ConceptMap/dfe-ethnicity-to-nhs"))
				.andParameter("system", new UriType(BASE + "/CodeSystem/dfe-ethnicity"))
				.andParameter("code", new CodeType(code))
				.execute();
		assertThat(((BooleanType) out.getParameter("result").getValue()).booleanValue()).isTrue();
		var match = out.getParameter().stream().filter(p -> p.getName().equals("match")).findFirst().orElseThrow();
		String target = match.getPart().stream().filter(p -> p.getName().equals("concept"))
				.map(p -> ((org.hl7.fhir.r4.model.Coding) p.getValue()).getCode()).findFirst().orElseThrow();
		String equivalence = match.getPart().stream().filter(p -> p.getName().equals("equivalence"))
				.map(p -> p.getValue().primitiveValue()).findFirst().orElseThrow();
		return target + " " + equivalence;
	}
}
