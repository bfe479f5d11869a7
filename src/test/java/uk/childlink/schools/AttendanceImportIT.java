package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;

/**
 * {@code POST /fhir/$import-attendance}: register marks folded into weekly attendance records, re-sent and corrected
 * marks updating the week, bad rows reported by line while the rest go in, broken files refused whole.
 */
class AttendanceImportIT extends IntegrationTest {

	static final String WEEK = "https://fhir.childlink.uk/Id/attendance-week";
	static final String MARKS = "https://fhir.childlink.uk/StructureDefinition/attendance-marks";
	static final String HEADER = "urn,upn,date,session,code\n";
	static final String ATTENDANCE = "https://fhir.childlink.uk/StructureDefinition/attendance";

	@Test
	void marksBecomeWeeklyRecordsWhoseCountsAreThoseOfTheMarks() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Marks", "Milo", "2014-02-03");
		LocalDate monday = Pupils.pastMonday(3);
		// a whole week: present, late, a retired holiday code (H), illness, unauthorised, an educational visit,
		// a planned closure (not a possible session) and a 2024 two-character code
		String csv = HEADER + week(urn, upn, monday, "/", "\\", "L", "\\", "H", "I", "N", "V", "#", "C1");

		Parameters report = post(csv);

		assertThat(count(report, "rows")).isEqualTo(10);
		assertThat(count(report, "imported")).isEqualTo(10);
		assertThat(count(report, "rejected")).isZero();
		assertThat(count(report, "weeksCreated")).isEqualTo(1);
		Observation stored = weekOf(client, upn);
		assertThat(((StringType) stored.getExtensionByUrl(MARKS).getValue()).getValue())
				.isEqualTo("/ \\ L \\ H I N V # C1");
		Map<String, Integer> counts = counts(stored);
		assertThat(counts).containsEntry("possible-sessions", 9).containsEntry("present", 4)
				.containsEntry("approved-educational-activity", 1).containsEntry("authorised", 3)
				.containsEntry("unauthorised", 1).containsEntry("not-possible", 1)
				.containsEntry("H", 1).containsEntry("C1", 1).containsEntry("\\", 2);
		assertThat(stored.getValueQuantity().getValue()).isEqualByComparingTo("55.6");
		assertThat(stored.getEffectivePeriod().getStartElement().getValueAsString()).isEqualTo(monday.toString());
		assertThat(stored.getEffectivePeriod().getEndElement().getValueAsString()).isEqualTo(monday.plusDays(4).toString());
		assertValid(http(), stored, ATTENDANCE);

		Parameters attendance = client.operation().onInstance(stored.getSubject().getReferenceElement())
				.named("$attendance").withParameter(Parameters.class, "start", new org.hl7.fhir.r4.model.DateType(monday.toString()))
				.andParameter("end", new org.hl7.fhir.r4.model.DateType(monday.plusDays(4).toString()))
				.useHttpGet().execute();
		assertThat(((IntegerType) attendance.getParameter("possibleSessions").getValue()).getValue()).isEqualTo(9);
		assertThat(((IntegerType) attendance.getParameter("unauthorisedAbsence").getValue()).getValue()).isEqualTo(1);
	}

	@org.springframework.beans.factory.annotation.Autowired
	ca.uhn.fhir.interceptor.api.IInterceptorService storage;

	@org.springframework.beans.factory.annotation.Autowired
	javax.sql.DataSource dataSource;

	@Test
	void anImportsTransactionsPlanTheirStatementsGenerically() {
		// an import writes thousands of rows a transaction: planning each anew cost PostgreSQL as much CPU again
		// (platform/database/WritePlans); its transactions are marked as writes though their request is the server's
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Plans", "Pia", "2014-03-04");
		List<String> inTheWrite = uk.childlink.support.PlanProbe.during(storage, dataSource, () -> {
			Parameters report = post(HEADER
					+ week(urn, upn, Pupils.pastMonday(2), "/", "/", "/", "/", "/", "/", "/", "/", "/", "/"));
			assertThat(count(report, "weeksCreated")).isEqualTo(1);
		});
		assertThat(inTheWrite).contains("Observation auto");
	}

	@Test
	void theSameMarksTwiceChangeNothingAndACorrectedMarkUpdatesItsWeek() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Again", "Ada", "2013-05-06");
		LocalDate monday = Pupils.pastMonday(4);
		String csv = HEADER + week(urn, upn, monday, "/", "\\", "/", "\\", "N", "N", "/", "\\", "/", "\\");
		post(csv);
		Observation first = weekOf(client, upn);

		Parameters again = post(csv);
		assertThat(count(again, "weeksUnchanged")).isEqualTo(1);
		assertThat(count(again, "weeksCreated") + count(again, "weeksUpdated")).isZero();
		assertThat(weekOf(client, upn).getMeta().getVersionId()).isEqualTo(first.getMeta().getVersionId());

		// Wednesday's unexplained absence is explained (illness); Thursday morning's mark arrives late
		Parameters corrected = post(HEADER + urn + "," + upn + "," + monday.plusDays(2) + ",AM,I\n"
				+ urn + "," + upn + "," + monday.plusDays(2) + ",PM,I\n");
		assertThat(count(corrected, "weeksUpdated")).isEqualTo(1);
		Observation after = weekOf(client, upn);
		assertThat(after.getMeta().getVersionId()).isNotEqualTo(first.getMeta().getVersionId());
		assertThat(counts(after)).containsEntry("unauthorised", 0).containsEntry("authorised", 2)
				.containsEntry("possible-sessions", 10).containsEntry("I", 2).doesNotContainKey("N");
		assertThat(search(client, upn)).hasSize(1);
		assertValid(http(), after, ATTENDANCE);
	}

	@Test
	void aUpnHeldByTwoChildrenIsReportedNotGuessedBetween() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Twice", "Tara", "2012-10-10");
		String known = Pupils.pupil(client, "Once", "Owen", "2012-11-11");
		Patient other = Fixtures.child(Fixtures.nextNhsNumber(), "Twice", "Tom", "2012-10-10");
		other.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(upn).setUse(Identifier.IdentifierUse.OLD);
		client.create().resource(other).execute();
		LocalDate monday = Pupils.pastMonday(5);

		Parameters report = post(HEADER + urn + "," + upn + "," + monday + ",AM,/\n" + urn + "," + known + "," + monday
				+ ",AM,/\n");

		assertThat(count(report, "imported")).isEqualTo(1);
		assertThat(count(report, "rejected")).isEqualTo(1);
		assertThat(report.getParameter().stream().filter(p -> p.getName().equals("error"))
				.map(p -> p.getPart().get(1).getValue().primitiveValue()))
				.singleElement().asString().contains("2 children have UPN " + upn);
	}

	@Test
	void rowsThatCannotBeImportedAreListedByLineAndTheOthersGoIn() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Rows", "Ravi", "2012-09-10");
		LocalDate monday = Pupils.pastMonday(5);
		String unknownPupil = uk.childlink.identity.TestIdentifiers.nextPermanentUpn();
		String badCheckLetter = (upn.charAt(0) == 'A' ? "B" : "A") + upn.substring(1);
		String csv = HEADER
				+ urn + "," + upn + "," + monday + ",AM,/\n"                         // 2 ok
				+ "12345," + upn + "," + monday + ",PM,/\n"                           // 3 bad URN
				+ urn + "," + badCheckLetter + "," + monday + ",PM,/\n"              // 4 check letter
				+ urn + "," + unknownPupil + "," + monday + ",PM,/\n"                // 5 unknown pupil
				+ "999999," + upn + "," + monday + ",PM,/\n"                          // 6 unknown school
				+ urn + "," + upn + "," + monday.minusDays(1) + ",AM,/\n"           // 7 a Sunday
				+ urn + "," + upn + "," + LocalDate.now().plusDays(8) + ",AM,/\n"   // 8 future
				+ urn + "," + upn + "," + monday + ",EVENING,/\n"                     // 9 session
				+ urn + "," + upn + "," + monday + ",PM,Q9\n"                         // 10 unknown code
				+ urn + "," + upn + "\n"                                              // 11 too few columns
				+ "x".repeat(5000) + "\n"                                              // 12 far too long
				+ urn + "," + upn + "," + "31/02/2025,AM,/\n"                         // 13 no such date
				+ "\n"                                                                 // 14 blank: skipped
				+ "\"" + urn + "\",\"" + upn + "\"," + monday.getDayOfMonth() + "/"
				+ String.format("%02d", monday.getMonthValue()) + "/" + monday.getYear() + ",pm,\\\n"; // 15 ok, quoted, UK date

		Parameters report = post(csv);

		assertThat(count(report, "rows")).isEqualTo(13);
		assertThat(count(report, "imported")).isEqualTo(2);
		assertThat(count(report, "rejected")).isEqualTo(11);
		Map<Integer, String> errors = report.getParameter().stream().filter(p -> p.getName().equals("error"))
				.collect(Collectors.toMap(p -> ((IntegerType) p.getPart().get(0).getValue()).getValue(),
						p -> p.getPart().get(1).getValue().primitiveValue()));
		assertThat(errors.keySet()).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
		assertThat(errors.get(3)).contains("URN '12345'");
		assertThat(errors.get(4)).contains("check letter");
		assertThat(errors.get(5)).contains("no child with UPN " + unknownPupil);
		assertThat(errors.get(6)).contains("no school with URN 999999");
		assertThat(errors.get(7)).contains("sunday");
		assertThat(errors.get(8)).contains("in the future");
		assertThat(errors.get(9)).contains("'EVENING' is not AM or PM");
		assertThat(errors.get(10)).contains("'Q9' is not an attendance code");
		assertThat(errors.get(11)).contains("expected at least 5 columns, found 2");
		assertThat(errors.get(12)).contains("line longer than");
		assertThat(errors.get(13)).contains("'31/02/2025' is not a date");
		assertThat(((StringType) weekOf(client, upn).getExtensionByUrl(MARKS).getValue()).getValue())
				.isEqualTo("/ \\ - - - - - - - -");
	}

	@Test
	void importedMarksRaiseAndCloseTheChildsAbsenceFlag() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Flagg", "Fern", "2014-06-07");
		LocalDate monday = firstMondayOfThisSchoolYear();
		post(HEADER + week(urn, upn, monday, "N", "N", "N", "N", "N", "/", "\\", "/", "\\", "/"));
		String child = weekOf(client, upn).getSubject().getReference();
		awaitFlag(client, child, Flag.FlagStatus.ACTIVE, "severe-absence");

		post(HEADER + week(urn, upn, monday, "I", "I", "/", "\\", "/", "\\", "/", "\\", "/", "\\"));
		awaitFlag(client, child, Flag.FlagStatus.ACTIVE, "persistent-absence");
		post(HEADER + week(urn, upn, monday, "/", "\\", "/", "\\", "/", "\\", "/", "\\", "/", "\\"));
		awaitFlag(client, child, Flag.FlagStatus.INACTIVE, "persistent-absence");
	}

	static LocalDate firstMondayOfThisSchoolYear() {
		LocalDate today = LocalDate.now(java.time.ZoneId.of("Europe/London"));
		LocalDate september = LocalDate.of(today.getMonthValue() >= 9 ? today.getYear() : today.getYear() - 1, 9, 1);
		return september.with(java.time.temporal.TemporalAdjusters.nextOrSame(java.time.DayOfWeek.MONDAY));
	}

	private static void awaitFlag(IGenericClient client, String child, Flag.FlagStatus status, String code) {
		long deadline = System.nanoTime() + 30_000_000_000L;
		List<Flag> flags = List.of();
		while (System.nanoTime() < deadline) {
			flags = client.search().forResource(Flag.class).where(Flag.SUBJECT.hasId(child)).returnBundle(Bundle.class)
					.execute().getEntry().stream().map(e -> (Flag) e.getResource()).toList();
			if (flags.size() == 1 && flags.get(0).getStatus() == status
					&& code.equals(flags.get(0).getCode().getCodingFirstRep().getCode())) {
				return;
			}
			try {
				Thread.sleep(200);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
		}
		throw new AssertionError("no single " + status + " " + code + " flag for " + child + " within 30 s: " + flags.stream()
				.map(f -> f.getStatus() + " " + f.getCode().getCodingFirstRep().getCode()).toList());
	}

	@Test
	void aFileWithoutItsHeaderIsRefusedWholeWithNothingWritten() {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String upn = Pupils.pupil(client, "Header", "Hal", "2012-01-02");
		LocalDate monday = Pupils.pastMonday(2);

		RawHttp.Response noHeader = http().send("POST", "/fhir/$import-attendance",
				Map.of("Content-Type", "text/csv", "Accept", "application/fhir+json"),
				urn + "," + upn + "," + monday + ",AM,/\n");
		assertThat(noHeader.status()).isEqualTo(400);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, noHeader.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("header").contains("missing: urn, upn");
		assertThat(search(client, upn)).isEmpty();

		RawHttp.Response json = http().send("POST", "/fhir/$import-attendance",
				Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json"), "{}");
		assertThat(json.status()).isEqualTo(415);
		assertThat(json.body()).contains("text/csv");

		// a declared size over the limit is refused before the body is read
		RawHttp.Response huge = http().send("POST", "/fhir/$import-attendance",
				Map.of("Content-Type", "text/csv", "Accept", "application/fhir+json", "Content-Length", "500000000"), null);
		assertThat(huge.status()).isEqualTo(413);
		assertThat(huge.body()).contains("max-upload-size");
	}

	static String week(String urn, String upn, LocalDate monday, String... marks) {
		StringBuilder csv = new StringBuilder();
		for (int i = 0; i < marks.length; i++) {
			csv.append(urn).append(',').append(upn).append(',').append(monday.plusDays(i / 2)).append(',')
					.append(i % 2 == 0 ? "AM" : "PM").append(',').append(marks[i]).append('\n');
		}
		return csv.toString();
	}

	Parameters post(String csv) {
		return postMarks(http(), csv);
	}

	/** Imports marks; the import must succeed (200), its report is returned. */
	static Parameters postMarks(RawHttp http, String csv) {
		RawHttp.Response response = http.send("POST", "/fhir/$import-attendance",
				Map.of("Content-Type", "text/csv", "Accept", "application/fhir+json"), csv);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
	}

	static int count(Parameters report, String name) {
		return ((IntegerType) report.getParameter(name).getValue()).getValue();
	}

	static List<Observation> search(IGenericClient client, String upn) {
		Bundle found = client.search().forResource(Observation.class)
				.where(Observation.SUBJECT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndIdentifier(Pupils.UPN, upn)))
				.and(Observation.CODE.exactly().systemAndCode("https://fhir.childlink.uk/CodeSystem/observation-code",
						"attendance-summary"))
				.returnBundle(Bundle.class).execute();
		return found.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
	}

	Observation weekOf(IGenericClient client, String upn) {
		List<Observation> weeks = search(client, upn);
		assertThat(weeks).hasSize(1);
		assertThat(weeks.get(0).getIdentifierFirstRep().getSystem()).isEqualTo(WEEK);
		return weeks.get(0);
	}

	static Map<String, Integer> counts(Observation obs) {
		return obs.getComponent().stream().collect(Collectors.toMap(c -> c.getCode().getCodingFirstRep().getCode(),
				c -> c.getValueIntegerType().getValue()));
	}

	/** What the importer wrote (without the per-write check) meets the profile. */
	static void assertValid(RawHttp http, org.hl7.fhir.r4.model.Resource stored, String profile) {
		RawHttp.Response response = http.get("/fhir/" + stored.getIdElement().toUnqualifiedVersionless().getValue()
				+ "/$validate?profile=" + profile);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue().stream().filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
				|| i.getSeverity() == OperationOutcome.IssueSeverity.FATAL).map(i -> i.getDiagnostics()).toList())
				.as(stored.getIdElement().getValue()).isEmpty();
	}

}
