package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import uk.childlink.schools.cli.ImportCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Tokens;

/** The importers' command line ({@code java -jar childlink.jar import-...}) against the running server. */
class ImportCommandIT extends IntegrationTest {

	@TempDir
	Path dir;

	record Run(int status, String out, String err) {}

	/** Runs the command as an admin (the token is sent when there is a server to send it to). */
	Run run(String... given) {
		List<String> list = new ArrayList<>(List.of(given));
		if (list.contains("--server")) {
			list.addAll(List.of("--token", Tokens.admin()));
		}
		String[] args = list.toArray(String[]::new);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = ImportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void attendanceMarksGoInPartsWithProgressAndTheRejectedRowsAreListedByFileLine() throws IOException {
		IGenericClient client = client();
		String urn = Pupils.school(client);
		String ann = Pupils.pupil(client, "Clifford", "Ann", "2014-03-04");
		String bo = Pupils.pupil(client, "Clifford", "Bo", "2015-03-04");
		LocalDate monday = Pupils.pastMonday(6);
		String csv = AttendanceImportIT.HEADER
				+ AttendanceImportIT.week(urn, ann, monday, "/", "\\", "/", "\\", "/", "\\", "/", "\\", "I", "I")
				+ urn + "," + bo + "," + monday + ",AM,Q9\n"                 // line 12: unknown code
				+ "z".repeat(3000) + "\n"                                     // line 13: over-long
				+ AttendanceImportIT.week(urn, bo, monday, "/", "\\", "N", "N", "/", "\\", "/", "\\", "/", "\\")
				+ AttendanceImportIT.week(urn, ann, monday.plusWeeks(1), "/", "\\", "/", "\\", "/", "\\", "/", "\\", "/", "\\");
		Path file = Files.writeString(dir.resolve("marks.csv"), csv);

		// 4 rows a request: a part runs on to the end of its week but never past 8 rows, so each week of 10 marks is
		// split over two requests, and still comes out whole
		Run first = run("import-attendance", file.toString(), "--server", baseUrl(), "--rows-per-request", "4");

		assertThat(first.status()).as(first.err()).isEqualTo(1);
		assertThat(first.out().lines().filter(l -> l.contains("rows (")).count()).isEqualTo(5);
		assertThat(first.out()).contains("32 rows: 30 imported, 2 rejected; weeks ")
				.contains("line 12: 'Q9' is not an attendance code")
				.contains("line 13: line longer than 1000 characters");
		Observation annFirstWeek = weekOf(client, ann, monday);
		assertThat(AttendanceImportIT.counts(annFirstWeek)).containsEntry("possible-sessions", 10)
				.containsEntry("present", 8).containsEntry("authorised", 2);
		assertThat(AttendanceImportIT.counts(weekOf(client, bo, monday))).containsEntry("unauthorised", 2)
				.containsEntry("present", 8);

		Run again = run("import-attendance", file.toString(), "--server", baseUrl(), "--rows-per-request", "1000");
		assertThat(again.out()).contains("weeks 0 created, 0 updated, 3 unchanged");
	}

	@Test
	void aCtfIsSentWholeAndItsReportPrintedPupilByPupil() throws IOException {
		String urn = uk.childlink.support.Records.nextUrn();
		String good = TestIdentifiers.nextPermanentUpn();
		String bad = (good.charAt(0) == 'A' ? "B" : "A") + good.substring(1); // the wrong check letter
		Path file = Files.writeString(dir.resolve("school.xml"), CtfHostileInputIT.header(urn, "24.0")
				+ CtfHostileInputIT.pupil(good, "Commandline") + CtfHostileInputIT.pupil(bad, "Badcheck")
				+ CtfHostileInputIT.END);

		Run result = run("import-ctf", file.toString(), "--server", baseUrl());

		assertThat(result.status()).isEqualTo(1);
		assertThat(result.out()).containsPattern("line \\d+ +" + good + " +created +Patient/")
				.containsPattern("line \\d+ +" + bad + " +rejected")
				.contains("has check letter '" + bad.charAt(0) + "' where '" + good.charAt(0) + "' was expected")
				.contains("1 created, 0 updated, 0 unchanged, 1 rejected");
		assertThat(client().search().forResource(org.hl7.fhir.r4.model.Patient.class)
				.where(org.hl7.fhir.r4.model.Patient.IDENTIFIER.exactly().systemAndCode(Pupils.UPN, good))
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry()).hasSize(1);

		Path old = Files.writeString(dir.resolve("old.xml"), CtfHostileInputIT.header(urn, "18.0") + CtfHostileInputIT.END);
		Run refused = run("import-ctf", old.toString(), "--server", baseUrl());
		assertThat(refused.status()).isEqualTo(2);
		assertThat(refused.err()).contains("HTTP 400").contains("CTF version 18.0 is not supported");
	}

	@Test
	void mistakesOnTheCommandLineAreExplained() {
		Run noFile = run("import-ctf", dir.resolve("missing.xml").toString());
		assertThat(noFile.status()).isEqualTo(2);
		assertThat(noFile.err()).contains("cannot read");

		Run noArgs = run("import-attendance");
		assertThat(noArgs.status()).isEqualTo(2);
		assertThat(noArgs.err()).contains("usage: java -jar childlink.jar import-ctf FILE");
	}

	@Test
	void anUnreachableServerIsSaidToBeSo() throws IOException {
		Path file = Files.writeString(dir.resolve("marks.csv"), AttendanceImportIT.HEADER + "100001,X,2025-01-06,AM,/\n");
		Run result = run("import-attendance", file.toString(), "--server", "http://localhost:1/fhir");
		assertThat(result.status()).isEqualTo(2);
		assertThat(result.err()).contains("cannot reach the server at http://localhost:1/fhir");
	}

	private Observation weekOf(IGenericClient client, String upn, LocalDate monday) {
		return AttendanceImportIT.search(client, upn).stream()
				.filter(o -> o.getEffectivePeriod().getStartElement().getValueAsString().equals(monday.toString()))
				.findFirst().orElseThrow();
	}
}
