package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Tokens;

/**
 * A school's MIS imports its own school's data only, and what it writes is audited as the school's, pupil by pupil.
 */
class SchoolImportAccessIT extends IntegrationTest {

	private static final String UPN = "https://fhir.childlink.uk/Id/upn";

	private static String mis(String urn) {
		return Tokens.token().subject("mis-" + urn).organisation(Tokens.SCHOOL, urn).agency("education")
				.scope("system/Patient.cru", "system/Observation.cru").sign();
	}

	@Test
	void aSchoolImportsItsOwnCtfAndEachPupilIsAuditedAsTheSchools() {
		String urn = Pupils.school(client());
		String upn = TestIdentifiers.nextPermanentUpn();
		Parameters report = CtfImportIT.postCtf(http(mis(urn)),
				CtfHostileInputIT.header(urn, "24.0") + CtfHostileInputIT.pupil(upn, "Owens") + CtfHostileInputIT.END);
		assertThat(CtfImportIT.totals(report)).containsExactly(1, 0, 0, 0);
		Patient child = child(upn);
		Bundle trail = client().search().byUrl("AuditEvent?child=Patient/" + child.getIdElement().getIdPart())
				.returnBundle(Bundle.class).execute();
		assertThat(trail.getEntry()).map(e -> (AuditEvent) e.getResource())
				.anyMatch(e -> e.getAgentFirstRep().getWho().getIdentifier().getValue().equals("mis-" + urn)
						&& e.getAgent().get(1).getWho().getIdentifier().getValue().equals(urn)
						&& e.getEntity().stream().anyMatch(x -> "POST $import-ctf".equals(x.getDescription())));
	}

	@Test
	void aSchoolsReportNamesNoOtherChildsRecord() {
		String urn = Pupils.school(client());
		String surname = "Quill" + System.nanoTime() % 100000;
		String theirUpn = TestIdentifiers.nextPermanentUpn();
		Patient other = new Patient();
		other.addIdentifier().setSystem(UPN).setValue(theirUpn)
				.addExtension("https://fhir.childlink.uk/StructureDefinition/upn-status",
						new org.hl7.fhir.r4.model.CodeType("permanent"));
		other.addName().setFamily(surname).addGiven("Test");
		other.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE);
		other.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2015-05-05"));
		String otherId = client().create().resource(other).execute().getId().getIdPart();
		String xml = CtfHostileInputIT.header(urn, "24.0") + CtfHostileInputIT.pupil(TestIdentifiers.nextPermanentUpn(),
				surname) + CtfHostileInputIT.END;
		String asSchool = FHIR.newJsonParser().encodeResourceToString(CtfImportIT.postCtf(http(mis(urn)), xml));
		assertThat(asSchool).contains("another child's record", "another permanent UPN")
				.doesNotContain("Patient/" + otherId, theirUpn);
		String asAdmin = FHIR.newJsonParser().encodeResourceToString(CtfImportIT.postCtf(http(), xml));
		assertThat(asAdmin).contains("Patient/" + otherId, theirUpn);
	}

	@Test
	void aSchoolCannotImportAnotherSchoolsCtf() {
		String mine = Pupils.school(client());
		String theirs = Pupils.school(client());
		String upn = TestIdentifiers.nextPermanentUpn();
		RawHttp.Response refused = http(mis(mine)).send("POST", "/fhir/$import-ctf",
				Map.of("Content-Type", "application/xml", "Accept", "application/fhir+json"),
				CtfHostileInputIT.header(theirs, "24.0") + CtfHostileInputIT.pupil(upn, "Owens") + CtfHostileInputIT.END);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("imports its own files only", "nothing was imported");
		assertThat(client().search().byUrl("Patient?identifier=" + UPN + "|" + upn).returnBundle(Bundle.class).execute()
				.getEntry()).isEmpty();
	}

	@Test
	void aSchoolsMarksForAnotherSchoolAreRejectedRowByRow() {
		IGenericClient admin = client();
		String mine = Pupils.school(admin);
		String theirs = Pupils.school(admin);
		String upn = Pupils.pupil(admin, "Marsh", "Ola", "2015-02-02");
		String monday = Pupils.pastMonday(1).toString();
		String csv = "urn,upn,date,session,code\n"
				+ mine + "," + upn + "," + monday + ",AM,/\n"
				+ theirs + "," + upn + "," + monday + ",PM,/\n";
		Parameters report = AttendanceImportIT.postMarks(http(mis(mine)), csv);
		assertThat(AttendanceImportIT.count(report, "imported")).isEqualTo(1);
		assertThat(AttendanceImportIT.count(report, "rejected")).isEqualTo(1);
		assertThat(report.getParameter().stream().filter(p -> p.getName().equals("error")).toList()).singleElement()
				.satisfies(p -> assertThat(p.getPart().get(1).getValue().primitiveValue())
						.contains("URN " + theirs + " is not your school's"));
	}

	@Test
	void anImportNeedsWriteScopes() {
		String urn = Pupils.school(client());
		String readOnly = Tokens.token().organisation(Tokens.SCHOOL, urn).agency("education").scope("system/*.rs").sign();
		RawHttp.Response refused = http(readOnly).send("POST", "/fhir/$import-attendance",
				Map.of("Content-Type", "text/csv"), "urn,upn,date,session,code\n");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("$import-attendance needs the scope");
	}

	private Patient child(String upn) {
		List<Bundle.BundleEntryComponent> found = client().search().byUrl("Patient?identifier=" + UPN + "|" + upn)
				.returnBundle(Bundle.class).execute().getEntry();
		assertThat(found).hasSize(1);
		return (Patient) found.get(0).getResource();
	}
}
