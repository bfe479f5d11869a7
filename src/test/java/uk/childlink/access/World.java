package uk.childlink.access;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.support.Fixtures;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * The people and records the access tests play with, made by an admin: two schools, a GP practice, a council, a
 * hospital, a youth justice service; Ada, whose school is A (her attendance), whose GP and council are named on her
 * record (and the council holds her child protection plan); and Ben, known only to school B. Each caller has a token.
 */
final class World {

	final String urnA = Records.nextUrn();
	final String urnB = Records.nextUrn();
	final String gpOds = "G" + Records.nextUrn();
	final String hospitalOds = "H" + Records.nextUrn();
	final String yotOds = "Y" + Records.nextUrn();
	final String laNumber = Records.nextLaNumber();
	final String adaNhs = Fixtures.nextNhsNumber();
	final String yotSubject = "yot-officer-" + System.nanoTime();
	final String benNhs = Fixtures.nextNhsNumber();

	String schoolA;
	String schoolB;
	String gp;
	String council;
	String hospital;
	String yot;
	String ada;
	String ben;
	String adaAttendance;
	String adaCpPlan;
	String adaContact;
	String benAttendance;

	final String monday = LocalDate.now().minusWeeks(2).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
	final String friday = LocalDate.parse(monday).plusDays(4).toString();

	static World create(IGenericClient admin) {
		World w = new World();
		w.schoolA = id(admin, Records.school(w.urnA));
		w.schoolB = id(admin, Records.school(w.urnB));
		w.gp = id(admin, Records.healthProvider(w.gpOds));
		w.hospital = id(admin, Records.healthProvider(w.hospitalOds));
		w.yot = id(admin, Records.healthProvider(w.yotOds).setName("Test Youth Justice Service"));
		w.council = id(admin, Records.localAuthority(w.laNumber));
		Patient ada = Fixtures.child(w.adaNhs, "Lovelace", "Ada", "2014-12-10");
		ada.setManagingOrganization(new Reference(w.council));
		ada.addGeneralPractitioner(new Reference(w.gp));
		w.ada = id(admin, ada);
		w.ben = id(admin, Fixtures.child(w.benNhs, "Brontë", "Ben", "2015-01-20"));
		w.adaAttendance = id(admin, Records.attendanceWeek(new Reference(w.ada), new Reference(w.schoolA), w.monday,
				w.friday, 9, 1, 0));
		w.adaCpPlan = id(admin, Records.cpPlan(new Reference(w.ada), new Reference(w.council), w.monday,
				LocalDate.now().plusMonths(6).toString(), "NEG"));
		w.adaContact = id(admin, Records.contact(new Reference(w.ada), new Reference(w.gp), "health-visitor-contact",
				"health", w.monday));
		w.benAttendance = id(admin, Records.attendanceWeek(new Reference(w.ben), new Reference(w.schoolB), w.monday,
				w.friday, 10, 0, 0));
		return w;
	}

	private static String id(IGenericClient admin, org.hl7.fhir.r4.model.Resource resource) {
		return admin.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** A named person at school A with the given scopes (to find their accesses in the trail). */
	String schoolAPerson(String subject, String... scopes) {
		return Tokens.token().subject(subject).organisation(Tokens.SCHOOL, urnA).agency("education").scope(scopes).sign();
	}

	String schoolAToken() {
		return Tokens.token().subject("teacher-a").organisation(Tokens.SCHOOL, urnA).agency("education")
				.scope("user/Patient.rs", "user/Observation.cruds", "user/Encounter.rs", "user/Organization.rs").sign();
	}

	String schoolBToken() {
		return Tokens.token().subject("teacher-b").organisation(Tokens.SCHOOL, urnB).agency("education")
				.scope("user/*.cruds").sign();
	}

	String gpToken() {
		return Tokens.token().subject("dr-gp").organisation(Tokens.ODS, gpOds).agency("health").scope("user/*.cruds").sign();
	}

	String councilToken() {
		return Tokens.token().subject("social-worker").organisation(Tokens.LA, laNumber).agency("social-care")
				.scope("user/*.cruds").sign();
	}

	String yotToken() {
		return Tokens.token().subject(yotSubject).organisation(Tokens.ODS, yotOds).agency("youth-justice")
				.scope("user/*.cruds").sign();
	}

	String clinicianToken() {
		return Tokens.token().subject("ed-doctor").organisation(Tokens.ODS, hospitalOds).agency("health")
				.scope("user/*.rs").role("break-glass").sign();
	}

	/** School A's MIS adapter: a system client. */
	String misToken() {
		return Tokens.token().subject("mis-client-a").organisation(Tokens.SCHOOL, urnA).agency("education")
				.scope("system/Patient.rs", "system/Observation.cruds").sign();
	}
}
