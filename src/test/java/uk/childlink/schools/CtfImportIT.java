package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;

/**
 * {@code POST /fhir/$import-ctf} with the synthetic CTFs in {@code src/test/resources/ctf/}: pupils matched by UPN,
 * former UPN and demographics, each written whole or rejected whole, a second import changing nothing and a later
 * file updating.
 */
class CtfImportIT extends IntegrationTest {

	static final String UPN = "https://fhir.childlink.uk/Id/upn";
	static final String FIRST = "ctf/larkspur-lane-2025-07.xml";
	static final String LATER = "ctf/larkspur-lane-2025-09.xml";
	static final String MARKS = "marks/larkspur-lane-2025-03-24.csv";

	@Test
	void aSchoolsFileIsImportedPupilByPupilThenAgainWithoutChangeThenUpdatedByALaterFile() throws IOException {
		IGenericClient client = client();
		// known to a health visitor by NHS number only: found by name, birth date and postcode
		Patient barnaby = Fixtures.child(Fixtures.nextNhsNumber(), "Wolstenholme", "Barnaby", "2014-01-19");
		barnaby.addAddress().setPostalCode("ZZ99 4QH");
		String barnabyId = client.create().resource(barnaby).execute().getId().getIdPart();
		// known by the UPN she had before (the CTF gives it as her former UPN)
		Patient tansy = new Patient();
		tansy.addIdentifier().setSystem(UPN).setValue("Z990200124003").addExtension(Pupils.UPN_STATUS, new CodeType("permanent"));
		tansy.addName().setFamily("Fennimore").addGiven("Tansy");
		tansy.setBirthDateElement(new DateType("2015-06-30"));
		String tansyId = client.create().resource(tansy).execute().getId().getIdPart();

		Parameters report = post(resource(FIRST));

		assertThat(totals(report)).containsExactly(3, 2, 0, 3);
		Map<String, ParametersParameterComponent> pupils = pupils(report);
		assertThat(outcome(pupils.get("G990200125001"))).isEqualTo("created");
		assertThat(outcome(pupils.get("U99020012500T"))).isEqualTo("created");
		assertThat(outcome(pupils.get("K990200125003"))).isEqualTo("updated");
		assertThat(child(pupils.get("K990200125003"))).isEqualTo("Patient/" + tansyId);
		assertThat(messages(pupils.get("K990200125003"))).contains("matched by former UPN");
		assertThat(child(pupils.get("Z990200125004"))).isEqualTo("Patient/" + barnabyId);
		assertThat(messages(pupils.get("Z990200125004"))).contains("matched by name and birth date (and postcode)");
		assertThat(outcome(pupils.get("A990200125005"))).isEqualTo("rejected");
		assertThat(messages(pupils.get("A990200125005"))).contains("check letter");
		assertThat(messages(pupils.get("C990200125006"))).contains("DOB 2031-02-02 is in the future");
		assertThat(messages(pupils.get("R990200125007"))).contains("Ethnicity 'ZZZZ' is not a DfE ethnicity code")
				.contains("'9' is not an attendance code");
		assertThat(messages(pupils.get("F990200125008"))).contains("school 990/3003 not imported");
		assertThat(part(pupils.get("G990200125001"), "line")).isEqualTo("24");
		Patient ozias = client.read().resource(Patient.class).withUrl(child(pupils.get("U99020012500T"))).execute();
		assertThat(((CodeType) ozias.getIdentifierFirstRep().getExtensionByUrl(Pupils.UPN_STATUS).getValue()).getValue())
				.isEqualTo("temporary");
		// the sending school was registered, as the school profile has it
		org.hl7.fhir.r4.model.Organization school = client.read().resource(org.hl7.fhir.r4.model.Organization.class)
				.withUrl(((Reference) report.getParameter("school").getValue()).getReference()).execute();
		assertThat(school.getIdentifierFirstRep().getValue()).isEqualTo("990201");
		assertThat(school.getName()).isEqualTo("Larkspur Lane Primary School (synthetic)");
		AttendanceImportIT.assertValid(http(), school, "https://fhir.childlink.uk/StructureDefinition/school");

		// the rejected pupils left nothing behind
		for (String rejected : List.of("A990200125005", "C990200125006", "R990200125007")) {
			assertThat(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().systemAndCode(UPN, rejected))
					.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
		}

		// the child as the CTF describes her, and every record written for her meets its profile
		String juniperRef = child(pupils.get("G990200125001"));
		Patient juniper = client.read().resource(Patient.class).withUrl(juniperRef).execute();
		assertThat(juniper.getName()).extracting(HumanName::getUse, HumanName::getNameAsSingleString).containsExactly(
				org.assertj.core.groups.Tuple.tuple(HumanName.NameUse.OFFICIAL, "Juniper Rose Anne Quillfeather"),
				org.assertj.core.groups.Tuple.tuple(HumanName.NameUse.USUAL, "Juno Quillfeather"),
				org.assertj.core.groups.Tuple.tuple(HumanName.NameUse.OLD, "Brackenridge"));
		assertThat(juniper.getIdentifier()).extracting(Identifier::getSystem, Identifier::getValue).contains(
				org.assertj.core.groups.Tuple.tuple(UPN, "G990200125001"),
				org.assertj.core.groups.Tuple.tuple("https://fhir.childlink.uk/Id/uln", "9902000001"));
		assertThat(juniper.getAddressFirstRep().getLine().get(0).getValue()).isEqualTo("14 Thimble Row");
		assertThat(juniper.getAddressFirstRep().getPostalCode()).isEqualTo("ZZ99 4QF");
		assertThat(juniper.getContactFirstRep().getName().getNameAsSingleString()).isEqualTo("Ms Hazel Quillfeather");
		assertThat(((org.hl7.fhir.r4.model.CodeableConcept) juniper.getExtensionByUrl(
				"https://fhir.childlink.uk/StructureDefinition/ethnicity").getValue()).getCodingFirstRep().getCode())
				.isEqualTo("WBRI");
		AttendanceImportIT.assertValid(http(), juniper, "https://fhir.childlink.uk/StructureDefinition/child");
		List<Observation> records = observations(client, juniperRef);
		assertThat(records.stream().map(o -> o.getCode().getCodingFirstRep().getCode()).collect(Collectors.toList()))
				.containsExactlyInAnyOrder("sen-provision", "fsm-eligibility", "lac-legal-status",
						"attendance-summary", "attendance-summary", "attendance-summary", "attendance-summary");
		for (Observation record : records) {
			AttendanceImportIT.assertValid(http(), record, record.getMeta().getProfile().get(0).getValue());
		}

		// every code, current and retired, counted where it belongs
		Parameters attendance = client.operation().onInstance(juniperRef).named("$attendance")
				.withParameter(Parameters.class, "start", new DateType("2025-03-03"))
				.andParameter("end", new DateType("2025-03-31")).useHttpGet().execute();
		assertThat(List.of("records", "possibleSessions", "present", "approvedEducationalActivity", "authorisedAbsence",
				"unauthorisedAbsence").stream().map(n -> ((IntegerType) attendance.getParameter(n).getValue()).getValue()))
				.containsExactly(4, 24, 3, 6, 11, 4);

		// former UPN kept as old, new one current; the NHS number of the demographic match kept
		Patient tansyNow = client.read().resource(Patient.class).withId(tansyId).execute();
		assertThat(tansyNow.getIdentifier()).extracting(Identifier::getValue, Identifier::getUse).contains(
				org.assertj.core.groups.Tuple.tuple("K990200125003", null),
				org.assertj.core.groups.Tuple.tuple("Z990200124003", Identifier.IdentifierUse.OLD));
		Patient barnabyNow = client.read().resource(Patient.class).withId(barnabyId).execute();
		assertThat(barnabyNow.getIdentifier()).extracting(Identifier::getSystem)
				.contains(Fixtures.NHS_NUMBER_SYSTEM, UPN);

		// a year given as totals only
		List<Observation> totalsOnly = observations(client, child(pupils.get("F990200125008")));
		assertThat(totalsOnly).hasSize(1);
		assertThat(AttendanceImportIT.counts(totalsOnly.get(0))).containsEntry("possible-sessions", 300)
				.containsEntry("present", 250).containsEntry("unauthorised", 30);
		AttendanceImportIT.assertValid(http(), totalsOnly.get(0), "https://fhir.childlink.uk/StructureDefinition/attendance");
		// a week of daily marks within that year is not counted again on top of the year's totals
		AttendanceImportIT.postMarks(http(), AttendanceImportIT.HEADER + AttendanceImportIT.week("990201",
				"F990200125008", java.time.LocalDate.of(2025, 3, 3), "/", "\\", "/", "\\", "/", "\\", "/", "\\", "N", "N"));
		Parameters year = client.operation().onInstance(child(pupils.get("F990200125008"))).named("$attendance")
				.withParameter(Parameters.class, "start", new DateType("2024-09-01"))
				.andParameter("end", new DateType("2025-08-31")).useHttpGet().execute();
		assertThat(((IntegerType) year.getParameter("records").getValue()).getValue()).isOne();
		assertThat(((IntegerType) year.getParameter("possibleSessions").getValue()).getValue()).isEqualTo(300);

		// the same file again: nothing to write
		String juniperVersion = juniper.getMeta().getVersionId();
		Parameters again = post(resource(FIRST));
		assertThat(totals(again)).containsExactly(0, 0, 5, 3);
		assertThat(client.read().resource(Patient.class).withUrl(juniperRef).execute().getMeta().getVersionId())
				.isEqualTo(juniperVersion);
		assertThat(observations(client, juniperRef)).extracting(o -> o.getMeta().getVersionId()).containsOnly("1");

		// a later file: she moved, has an EHC plan, is no longer looked after; the other pupil's details are as they were
		Parameters later = post(resource(LATER));
		// (he is "updated" too: his record now notes the later CTF's date, which keeps the older file from coming back)
		assertThat(totals(later)).containsExactly(0, 2, 0, 0);
		Patient moved = client.read().resource(Patient.class).withUrl(juniperRef).execute();
		assertThat(moved.getAddressFirstRep().getLine().get(0).getValue()).isEqualTo("14 Wicker Close");
		List<Observation> afterwards = observations(client, juniperRef);
		assertThat(afterwards.stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("sen-provision"))
				.map(o -> o.getValueCodeableConcept().getCodingFirstRep().getCode())).containsExactlyInAnyOrder("K", "E");
		Observation lac = afterwards.stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("lac-legal-status"))
				.findFirst().orElseThrow();
		assertThat(((Period) lac.getEffective()).getStartElement().getValueAsString()).isEqualTo("2025-07-18");
		assertThat(((Period) lac.getEffective()).getEndElement().getValueAsString()).isEqualTo("2025-09-05");
		Observation fsm = afterwards.stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("fsm-eligibility"))
				.findFirst().orElseThrow();
		assertThat(((Period) fsm.getEffective()).getEndElement().getValueAsString()).isEqualTo("2025-07-18");
		for (Observation record : afterwards) {
			AttendanceImportIT.assertValid(http(), record, record.getMeta().getProfile().get(0).getValue());
		}

		// the daily marks and the CTF keep the same weeks: a corrected mark changes the CTF's week, adds none
		Parameters marks = AttendanceImportIT.postMarks(http(),
				AttendanceImportIT.HEADER + "990201,G990200125001,2025-03-03,AM,N\n");
		assertThat(AttendanceImportIT.count(marks, "weeksUpdated")).isOne();
		assertThat(observations(client, juniperRef).stream()
				.filter(o -> o.getCode().getCodingFirstRep().getCode().equals("attendance-summary"))).hasSize(4);
		Parameters afterCorrection = client.operation().onInstance(juniperRef).named("$attendance")
				.withParameter(Parameters.class, "start", new DateType("2025-03-03"))
				.andParameter("end", new DateType("2025-03-31")).useHttpGet().execute();
		assertThat(List.of("present", "unauthorisedAbsence").stream()
				.map(n -> ((IntegerType) afterCorrection.getParameter(n).getValue()).getValue())).containsExactly(2, 5);

		// the school's daily export for a later week (src/test/resources/marks/): it completes her week of 24 March,
		// starts Barnaby's, and lists the row of the pupil whose UPN does not check
		Parameters dailyReport = AttendanceImportIT.postMarks(http(), resource(MARKS));
		assertThat(List.of("rows", "imported", "rejected", "weeksCreated", "weeksUpdated").stream()
				.map(n -> AttendanceImportIT.count(dailyReport, n))).containsExactly(21, 20, 1, 1, 1);
		assertThat(dailyReport.getParameter("error").getPart().get(0).getValue().primitiveValue()).isEqualTo("22");
		assertThat(observations(client, "Patient/" + barnabyId)).singleElement()
				.satisfies(obs -> assertThat(AttendanceImportIT.counts(obs)).containsEntry("unauthorised", 2)
						.containsEntry("J", 2).containsEntry("approved-educational-activity", 2));

		// the July file once more, after September's: it would put older details back, so its pupils who have
		// September's details are rejected, the others are as they were
		Parameters older = post(resource(FIRST));
		assertThat(totals(older)).containsExactly(0, 0, 3, 5);
		assertThat(messages(pupils(older).get("G990200125001")))
				.contains("holds the details of a later CTF (dated 2025-09-05); this file, dated 2025-07-18");
		assertThat(client.read().resource(Patient.class).withUrl(juniperRef).execute().getAddressFirstRep().getLine()
				.get(0).getValue()).isEqualTo("14 Wicker Close");
	}

	static String resource(String path) throws IOException {
		try (InputStream in = CtfImportIT.class.getClassLoader().getResourceAsStream(path)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	Parameters post(String xml) {
		return postCtf(http(), xml);
	}

	/** Imports a CTF; the import must be read to its end (200), its report is returned. */
	static Parameters postCtf(RawHttp http, String xml) {
		RawHttp.Response response = http.send("POST", "/fhir/$import-ctf",
				Map.of("Content-Type", "application/xml", "Accept", "application/fhir+json"), xml);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
	}

	/** created, updated, unchanged, rejected. */
	static List<Integer> totals(Parameters report) {
		return List.of("created", "updated", "unchanged", "rejected").stream()
				.map(n -> ((IntegerType) report.getParameter(n).getValue()).getValue()).toList();
	}

	static Map<String, ParametersParameterComponent> pupils(Parameters report) {
		return report.getParameter().stream().filter(p -> p.getName().equals("pupil"))
				.collect(Collectors.toMap(p -> part(p, "upn"), p -> p));
	}

	static String part(ParametersParameterComponent pupil, String name) {
		return pupil.getPart().stream().filter(p -> p.getName().equals(name)).map(p -> p.getValue() instanceof Reference r
				? r.getReference() : p.getValue().primitiveValue()).findFirst().orElse(null);
	}

	static String outcome(ParametersParameterComponent pupil) {
		return part(pupil, "outcome");
	}

	static String child(ParametersParameterComponent pupil) {
		return part(pupil, "child");
	}

	static String messages(ParametersParameterComponent pupil) {
		return pupil.getPart().stream().filter(p -> p.getName().equals("message")).map(p -> p.getValue().primitiveValue())
				.collect(Collectors.joining(" | "));
	}

	static List<Observation> observations(IGenericClient client, String childRef) {
		Bundle found = client.search().forResource(Observation.class)
				.where(Observation.SUBJECT.hasId(childRef)).count(200).returnBundle(Bundle.class).execute();
		return found.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
	}
}
