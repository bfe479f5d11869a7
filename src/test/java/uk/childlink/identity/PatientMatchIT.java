package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/** {@code Patient/$match}: identifiers are certain; names, birth date and postcode are probable or possible. */
class PatientMatchIT extends IntegrationTest {

	private String nhs;
	private String formerUpn;
	private String family;
	private String birthDate;
	private IdType childId;

	@BeforeEach
	void aChildOnRecord() {
		nhs = Fixtures.nextNhsNumber();
		formerUpn = TestIdentifiers.nextTemporaryUpn();
		// a family name of its own, so that other tests' children never match; O'Brien-style punctuation on purpose
		family = "O'Brien-" + randomLetters(6);
		// one of ~3,650 days: every test's child is a "Zoë", and a shared birth date would make another test's child a
		// possible match here (with 81 dates, one run in six or so failed countLimitsTheAnswer)
		birthDate = java.time.LocalDate.of(2008, 1, 1).plusDays(new java.util.Random().nextInt(3650)).toString();
		Patient child = Fixtures.child(nhs, family, "Zoë", birthDate);
		child.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(TestIdentifiers.nextPermanentUpn());
		child.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(formerUpn).setUse(Identifier.IdentifierUse.OLD);
		child.addAddress().setPostalCode("BS1 4ST");
		childId = (IdType) client().create().resource(child).execute().getId();
	}

	@Test
	void nhsNumberIsACertainMatch() {
		Patient query = new Patient();
		query.addIdentifier().setSystem(IdentifierSystems.NHS_NUMBER)
				.setValue(nhs.substring(0, 3) + " " + nhs.substring(3, 6) + " " + nhs.substring(6));

		Bundle result = match(query, null, null);

		assertThat(result.getEntry()).hasSize(1);
		assertGrade(result.getEntryFirstRep(), "certain", 1.0);
	}

	@Test
	void formerUpnIsACertainMatch() {
		Patient query = new Patient();
		query.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(formerUpn);

		assertGrade(match(query, null, null).getEntryFirstRep(), "certain", 1.0);
	}

	@Test
	void namesBirthDateAndPostcodeAreProbable() {
		// written differently: no apostrophe, lower case, no accent, postcode without its space
		Patient query = person(family.replace("'", "").toLowerCase(), "Zoe", birthDate, "bs14st");

		Bundle result = match(query, null, null);

		assertThat(result.getEntry()).hasSize(1);
		assertGrade(result.getEntryFirstRep(), "probable", 1.0);
	}

	@Test
	void familyNameAndBirthDateArePossible() {
		Bundle result = match(person(family, "Someone", birthDate, null), null, null);

		assertThat(result.getEntry()).hasSize(1);
		assertGrade(result.getEntryFirstRep(), "possible", 0.6);
	}

	@Test
	void aBirthDateAloneIsNoMatch() {
		Bundle result = match(person("Nobody" + randomLetters(5), "Else", birthDate, null), null, null);

		assertThat(ids(result)).doesNotContain(childId.getIdPart());
	}

	@Test
	void onlyCertainMatchesLeavesOutDemographicMatches() {
		Bundle result = match(person(family, "Zoë", birthDate, "BS1 4ST"), true, null);

		assertThat(result.getEntry()).isEmpty();
	}

	@Test
	void countLimitsTheAnswer() {
		// a second child with the same names and birth date (twins would do): two probable matches
		client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), family, "Zoë", birthDate)).execute();
		Patient query = person(family, "Zoë", birthDate, null);

		assertThat(match(query, null, null).getEntry())
				.filteredOn(e -> family.equals(((Patient) e.getResource()).getNameFirstRep().getFamily())).hasSize(2);
		assertThat(match(query, null, 1).getEntry()).hasSize(1);
	}

	@Test
	void bothNamesAndThePostcodeArePossible() {
		Patient query = person(family, "Zoe", null, "BS1 4ST");

		Bundle result = match(query, null, null);

		assertThat(result.getEntry()).hasSize(1);
		assertGrade(result.getEntryFirstRep(), "possible", 0.7);
	}

	@Test
	void bothNamesWithoutBirthDateOrPostcodeAreNoMatch() {
		assertThat(ids(match(person(family, "Zoe", null, null), null, null))).doesNotContain(childId.getIdPart());
	}

	@Test
	void aBirthDateThatIsOnlyAnExtensionDoesNotCount() {
		Patient query = new Patient();
		query.addName().setFamily(family);
		query.getBirthDateElement().addExtension("http://hl7.org/fhir/StructureDefinition/data-absent-reason",
				new org.hl7.fhir.r4.model.CodeType("unknown"));

		assertThatThrownBy(() -> match(query, null, null))
				.isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("Nothing to match on");
	}

	@Test
	void aNameThatIsOnlyAnExtensionIsNothingToMatchOn() {
		Patient query = new Patient();
		query.addName().getFamilyElement().addExtension("http://example.org/unknown", new org.hl7.fhir.r4.model.StringType("x"));
		query.getNameFirstRep().addGiven("Zoe");

		assertThatThrownBy(() -> match(query, null, null))
				.isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("Nothing to match on");
	}

	@Test
	void nothingToMatchOnIsABadRequest() {
		assertThatThrownBy(() -> match(new Patient().setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE), null, null))
				.isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("Nothing to match on");
	}

	private static String randomLetters(int n) {
		StringBuilder letters = new StringBuilder();
		java.util.Random random = new java.util.Random();
		for (int i = 0; i < n; i++) {
			letters.append((char) ('a' + random.nextInt(26)));
		}
		return letters.toString();
	}

	private static Patient person(String family, String given, String birthDate, String postcode) {
		Patient p = new Patient();
		p.addName().setFamily(family).addGiven(given);
		if (birthDate != null) {
			p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
		}
		if (postcode != null) {
			p.addAddress().setPostalCode(postcode);
		}
		return p;
	}

	private Bundle match(Patient query, Boolean onlyCertain, Integer count) {
		Parameters in = new Parameters();
		in.addParameter().setName("resource").setResource(query);
		if (onlyCertain != null) {
			in.addParameter().setName("onlyCertainMatches").setValue(new BooleanType(onlyCertain));
		}
		if (count != null) {
			in.addParameter().setName("count").setValue(new IntegerType(count));
		}
		return client().operation().onType(Patient.class).named("$match").withParameters(in)
				.returnResourceType(Bundle.class).execute();
	}

	private void assertGrade(Bundle.BundleEntryComponent entry, String grade, double score) {
		assertThat(entry.getResource().getIdElement().getIdPart()).isEqualTo(childId.getIdPart());
		assertThat(entry.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
		assertThat(entry.getSearch().getScore().doubleValue()).isEqualTo(score);
		assertThat(((CodeType) entry.getSearch().getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/match-grade")
				.getValue()).getValue()).isEqualTo(grade);
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
	}
}
