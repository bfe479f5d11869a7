package uk.childlink.population.export;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The pseudonymised form of the profiles' own examples (a child, its SEN provision, a health visitor's contact): what
 * is replaced, what is removed, what is kept, and that the pseudonyms are one recipient's alone.
 */
class PseudonymiserTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final IParser JSON = FHIR.newJsonParser();
	private static final byte[] COUNCIL = "council's key, 32 bytes long....".getBytes(StandardCharsets.UTF_8);
	private static final byte[] TRUST = "health trust's key, 32 bytes...!".getBytes(StandardCharsets.UTF_8);

	@Test
	void aChildKeepsWhatAnAnalysisNeedsAndNothingThatNamesThem() throws IOException {
		Patient child = example("identity", "Patient-example-child.json", Patient.class);
		child.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Robin Example</div>");
		child.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("07700 900123");
		child.getAddressFirstRep().addLine("1 Example Street").setCity("Leeds").setPostalCode("ls1 4ap");
		child.addContact().addTelecom().setValue("07700 900456");
		child.getContactFirstRep().getName().setFamily("Parent");
		child.getContactFirstRep().getRelationshipFirstRep().setText("Mum").addCoding().setCode("MTH");
		child.addGeneralPractitioner(new Reference("Organization/example-gp").setDisplay("Example Surgery"));
		child.addExtension("https://example.org/nickname", new StringType("Bobbin"));

		String encoded = JSON.encodeResourceToString(pseudonymised(child, COUNCIL));

		assertThat(encoded).doesNotContain("9999000010", "T990200126001", "EX-000123", "example-child", "Robin",
				"Example Street", "Leeds", "07700", "Parent", "Mum", "Bobbin", "2018-03-14", "ls1", "LS1 4AP");
		Patient out = JSON.parseResource(Patient.class, encoded);
		assertThat(out.getIdElement().getIdPart()).matches("[0-9a-f]{32}");
		assertThat(out.getIdentifier()).extracting(i -> i.getSystem()).containsExactly(
				"https://fhir.nhs.uk/Id/nhs-number", "https://fhir.childlink.uk/Id/upn",
				"https://fhir.childlink.uk/Id/la-child-id/990");
		assertThat(out.getIdentifier()).allSatisfy(i -> assertThat(i.getValue()).matches("[0-9a-f]{32}"));
		assertThat(out.getIdentifier().get(1).getExtensionFirstRep().getValue().primitiveValue())
				.as("the UPN's coded status stays").isEqualTo("permanent");
		assertThat(out.getBirthDateElement().getValueAsString()).isEqualTo("2018-03");
		assertThat(out.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
		assertThat(out.getAddress()).singleElement().satisfies(a -> {
			assertThat(a.getPostalCode()).isEqualTo("LS1");
			assertThat(a.getLine()).isEmpty();
		});
		assertThat(out.getName()).isEmpty();
		assertThat(out.getTelecom()).isEmpty();
		assertThat(out.hasText()).isFalse();
		assertThat(out.getContactFirstRep().getRelationshipFirstRep().getCodingFirstRep().getCode())
				.as("coded facts stay").isEqualTo("MTH");
		assertThat(out.getExtensionsByUrl("https://example.org/nickname")).as("an extension left empty goes").isEmpty();
		assertThat(out.getExtensionsByUrl("https://fhir.childlink.uk/StructureDefinition/ethnicity")).hasSize(1);
		assertThat(out.getGeneralPractitionerFirstRep().getReference()).as("a public body stays")
				.isEqualTo("Organization/example-gp");
		assertThat(out.getMeta().getSecurity()).extracting(c -> c.getCode()).containsExactly("PSEUDED");
		assertThat(out.getMeta().getProfile()).extracting(p -> p.getValue())
				.containsExactly("https://fhir.childlink.uk/StructureDefinition/child");
		assertThat(out.getMeta().hasLastUpdated()).isFalse();
	}

	@Test
	void aChildsRecordsPointAtTheChildsPseudonymForOneRecipientAndAnotherForTheNext() throws IOException {
		Patient child = pseudonymised(example("identity", "Patient-example-child.json", Patient.class), COUNCIL);
		Observation sen = pseudonymised(example("education", "Observation-example-sen-support.json",
				Observation.class), COUNCIL);
		Encounter contact = example("contacts", "Encounter-example-health-visitor-contact.json", Encounter.class);
		contact.addReasonCode().setText("Mum worried about Robin's sleep").addCoding().setCode("sleep");
		contact.addParticipant().setIndividual(new Reference("#nurse"));
		Practitioner nurse = new Practitioner();
		nurse.setId("nurse");
		nurse.addName().setFamily("Nightingale");
		contact.addContained(nurse);
		contact = pseudonymised(contact, COUNCIL);

		assertThat(sen.getSubject().getReference()).isEqualTo("Patient/" + child.getIdElement().getIdPart());
		assertThat(contact.getSubject().getReference()).isEqualTo(sen.getSubject().getReference());
		assertThat(sen.getPerformerFirstRep().getReference()).isEqualTo("Organization/example-school");
		assertThat(sen.getValueCodeableConcept().getCodingFirstRep().getDisplay())
				.as("what a code means stays").isEqualTo("SEN support");
		assertThat(contact.getPeriod().getStartElement().getValueAsString()).as("when it happened stays")
				.isEqualTo("2026-10-12T10:00:00Z");
		assertThat(contact.getReasonCodeFirstRep().hasText()).isFalse();
		assertThat(contact.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("sleep");
		assertThat(JSON.encodeResourceToString(contact)).doesNotContain("Nightingale", "Robin");
		assertThat(contact.getParticipantFirstRep().getIndividual().getReference()).as("the contained nurse's pseudonym")
				.isEqualTo("#" + contact.getContained().get(0).getIdElement().getIdPart().replace("#", ""))
				.isNotEqualTo("#nurse");

		// the same child for the same recipient again; for another recipient, nothing in common
		Patient again = pseudonymised(example("identity", "Patient-example-child.json", Patient.class), COUNCIL);
		Patient trusts = pseudonymised(example("identity", "Patient-example-child.json", Patient.class), TRUST);
		assertThat(again.getIdElement().getIdPart()).isEqualTo(child.getIdElement().getIdPart());
		assertThat(again.getIdentifierFirstRep().getValue()).isEqualTo(child.getIdentifierFirstRep().getValue());
		assertThat(trusts.getIdElement().getIdPart()).isNotEqualTo(child.getIdElement().getIdPart());
		assertThat(trusts.getIdentifier()).extracting(i -> i.getValue())
				.doesNotContainAnyElementsOf(child.getIdentifier().stream().map(i -> i.getValue()).toList());
	}

	@Test
	void freeTextIsRemovedWhereverItIs() {
		Observation note = new Observation();
		note.setId("Observation/1");
		note.getCode().setText("Told us about home").addCoding().setCode("x").setDisplay("A code's meaning");
		note.addNote(new Annotation().setText("Lives with nan"));
		note.setValue(new StringType("Free text answer"));
		note.setSubject(new Reference("Patient/7").setDisplay("Robin Example"));
		note.addPerformer(new Reference("https://elsewhere.example/Practitioner/9"));

		String encoded = JSON.encodeResourceToString(pseudonymised(note, COUNCIL));

		assertThat(encoded).doesNotContain("Told us", "nan", "Free text", "Robin", "elsewhere").contains("A code's meaning");
	}

	/** What the review of the first version found slipping through. */
	@Test
	void identifiersInOtherFormsAndNestedRecordsDoNotSlipThrough() {
		Patient child = new Patient();
		child.setId("Patient/7");
		child.getBirthDateElement().setValueAsString("2026-02-27");
		child.getBirthDateElement().addExtension("http://hl7.org/fhir/StructureDefinition/patient-birthTime",
				new org.hl7.fhir.r4.model.DateTimeType("2026-02-27T04:13:00+00:00"));
		child.setDeceased(new org.hl7.fhir.r4.model.DateTimeType("2026-03-31T23:30:00-05:00"));
		child.addExtension("https://example.org/case-link", new org.hl7.fhir.r4.model.UriType(
				"https://lcs.council.example/person/123456"));
		child.addExtension("https://example.org/case-id", new org.hl7.fhir.r4.model.IdType("CASE-998877"));
		child.setImplicitRules("https://rules.example/child-7");
		child.addGeneralPractitioner(new Reference("https://other.example/fhir/Patient/123").setType("Organization"));
		child.addGeneralPractitioner(new Reference("Organization/gp").setDisplay("Dr Ann Smith's surgery"));
		child.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", "restricted");

		Encounter visit = new Encounter();
		visit.setId("Encounter/8");
		org.hl7.fhir.r4.model.Location home = new org.hl7.fhir.r4.model.Location();
		home.setId("#home");
		home.getPosition().setLatitude(53.8008).setLongitude(-1.5491);
		visit.addContained(home);
		visit.addLocation().setLocation(new Reference("#home"));
		Observation weight = new Observation();
		weight.setIssuedElement(new org.hl7.fhir.r4.model.InstantType("2026-03-01T10:15:30.123Z"));
		org.hl7.fhir.r4.model.Organization childminder = new org.hl7.fhir.r4.model.Organization();
		childminder.setId("Organization/cm");
		childminder.setName("Little Acorns");
		childminder.addTelecom().setValue("07700 900789");
		childminder.addContact().getName().setFamily("Acorn");
		childminder.addAddress().addLine("3 Oak Lane").setPostalCode("LS6 2AB");
		org.hl7.fhir.r4.model.QuestionnaireResponse answers = new org.hl7.fhir.r4.model.QuestionnaireResponse();
		answers.addItem().setLinkId("sleep").addAnswer().setValue(new StringType("Wakes at night"));

		String encoded = JSON.encodeResourceToString(pseudonymised(child, COUNCIL))
				+ JSON.encodeResourceToString(pseudonymised(visit, COUNCIL))
				+ JSON.encodeResourceToString(pseudonymised(weight, COUNCIL))
				+ JSON.encodeResourceToString(pseudonymised(childminder, COUNCIL))
				+ JSON.encodeResourceToString(pseudonymised(answers, COUNCIL));

		assertThat(encoded).doesNotContain("04:13", "2026-02-27", "123456", "CASE-998877", "rules.example",
				"other.example", "Ann Smith", "53.8008", "\"home\"", "10:15:30", "07700", "Acorn\"", "Oak Lane",
				"Wakes at night");
		assertThat(child.getBirthDateElement().getValueAsString()).isEqualTo("2026-02");
		assertThat(child.getDeceasedDateTimeType().getValueAsString()).as("the month as written, whatever the zone")
				.isEqualTo("2026-03");
		assertThat(child.getGeneralPractitioner()).extracting(Reference::getReference)
				.containsExactly("Patient/" + new Pseudonymiser(COUNCIL).pseudonym("Patient/123"), "Organization/gp");
		assertThat(child.getMeta().getSecurity()).extracting(c -> c.getCode()).containsExactly("R", "PSEUDED");
		assertThat(visit.getLocationFirstRep().getLocation().getReference())
				.isEqualTo("#" + visit.getContained().get(0).getIdElement().getIdPart().replace("#", ""));
		assertThat(childminder.getName()).as("a body keeps its name").isEqualTo("Little Acorns");
		assertThat(childminder.getAddressFirstRep().getPostalCode()).isEqualTo("LS6");
		assertThat(childminder.getIdElement().getIdPart()).isEqualTo("cm");
		assertThat(answers.getItemFirstRep().getLinkId()).as("which question was answered").isEqualTo("sleep");
	}

	@Test
	void postcodesAreCutToTheirDistrictOrRemoved() {
		assertThat(Pseudonymiser.postcodeDistrict("LS1 4AP")).isEqualTo("LS1");
		assertThat(Pseudonymiser.postcodeDistrict("sw1a1aa")).isEqualTo("SW1A");
		assertThat(Pseudonymiser.postcodeDistrict("M1 1AE")).isEqualTo("M1");
		assertThat(Pseudonymiser.postcodeDistrict("ZZ99 3AA")).isEqualTo("ZZ99");
		assertThat(Pseudonymiser.postcodeDistrict("Flat 2")).isNull();
		assertThat(Pseudonymiser.postcodeDistrict(null)).isNull();
	}

	private static <T extends Resource> T pseudonymised(T resource, byte[] key) {
		new Pseudonymiser(key).apply(resource);
		return resource;
	}

	private static <T extends Resource> T example(String module, String file, Class<T> type) throws IOException {
		return JSON.parseResource(type, Files.readString(Path.of("fhir-profiles", module, "examples", "valid", file)));
	}
}
