package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Fixtures;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Receiver;
import uk.childlink.support.Records;
import uk.childlink.support.ServerProcess;
import uk.childlink.support.Signals;

/**
 * The packaged jar, started three times on one data directory: what was written before a restart is there after it,
 * after a clean stop and after the server was killed outright (leaving its PostgreSQL running), and so is what the
 * server owed on it (the absence flags of attendance, and the signal of a new child protection plan, written just
 * before the kill by a process that neither works the flags nor sends signals: each done once after the restart). Then the database goes away underneath the server: readiness says so while liveness does not, and a FHIR
 * request is answered 503 with Retry-After.
 */
class EmbeddedDatabaseRestartIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/** The server may deliver to the test's receiver, on this machine over plain HTTP. */
	private static final String[] LOCAL_RECEIVERS = {"--childlink.signals.allow-http=true",
			"--childlink.signals.allowed-networks=127.0.0.1/32"};

	@TempDir
	Path dataDir;

	private final Receiver receiver = new Receiver();

	@AfterEach
	void stopReceiver() {
		receiver.close();
	}

	@Test
	void dataAndTheFlagsOwedSurviveRestartsAndReadinessFollowsTheDatabase() throws Exception {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		String nhs = Fixtures.nextNhsNumber();
		IdType id;
		try (ServerProcess server = ServerProcess.start(dataDir)) {
			id = (IdType) client(server).create()
					.resource(Fixtures.child(nhs, "Restart", "Nell", "2019-08-08")).execute().getId();
			assertThat(server.log()).as("start-up's garbage returned once ready (StartupGarbage)")
					.contains("Start-up garbage collected");
		}
		Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
		assertThat(pidFile).as("embedded PostgreSQL stopped cleanly with the server").doesNotExist();

		IIdType owed;
		IIdType missed;
		IIdType planned;
		try (ServerProcess server = ServerProcess.start(dataDir, "--childlink.care.flag-worker=false",
				"--childlink.signals.worker=false", LOCAL_RECEIVERS[0], LOCAL_RECEIVERS[1])) {
			IGenericClient client = client(server);
			Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
			assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(nhs);

			// two persistently absent children, whose flags this process owes but does not work
			Reference school = new Reference(client.create().resource(Records.school(Records.nextUrn())).execute()
					.getId().toUnqualifiedVersionless().getValue());
			owed = AbsenceFlags.absentChild(client, school, "Owed");
			missed = AbsenceFlags.absentChild(client, school, "Missed");
			try (Connection db = database(pidFile); Statement sql = db.createStatement()) {
				assertThat(owedFlags(sql)).as("owed with the write, in PostgreSQL").contains(
						owed.getValue(), missed.getValue());
				// as if an earlier release had lost this one: only the daily check (due again) can find it
				sql.executeUpdate("DELETE FROM cl_flag_work WHERE subject = '" + missed.getValue() + "'");
				sql.executeUpdate("DELETE FROM cl_flag_check");
			}
			assertThat(AbsenceFlags.of(client, owed)).as("no flag before the kill").isEmpty();

			// a child protection plan whose signal to the GP (and its notification) this process owes but does not send
			Reference gp = Signals.register(client, Records.healthProvider("R" + Records.nextUrn()));
			Signals.subscribe(client, gp, receiver.url("/gp"));
			planned = Signals.childWithNewPlan(client, gp,
					Signals.register(client, Records.localAuthority(Records.nextLaNumber())), "Signalled");
			try (Connection db = database(pidFile); Statement sql = db.createStatement()) {
				assertThat(owedSignals(sql)).as("owed with the write, in PostgreSQL").contains(planned.getValue());
			}
			assertThat(Signals.of(client, planned)).as("no Task before the kill").isEmpty();
			server.kill();
		}
		assertThat(pidFile).as("the killed server's PostgreSQL is left running").exists();

		try (ServerProcess server = ServerProcess.start(dataDir, LOCAL_RECEIVERS)) {
			assertThat(server.log()).contains("left running by an earlier ChildLink");
			IGenericClient client = client(server);
			Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
			assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
			Bundle found = client.search().byUrl("Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs)
					.returnBundle(Bundle.class).execute();
			assertThat(found.getTotal()).isEqualTo(1);
			AbsenceFlags.awaitPersistent(client, owed, Duration.ofSeconds(60)); // owed when the first process died
			AbsenceFlags.awaitPersistent(client, missed, Duration.ofSeconds(60)); // found by the daily check
			assertThat(Signals.await(client, planned, 1, Duration.ofSeconds(60))).as("sent once, after the restart")
					.hasSize(1);
			receiver.await("/gp", b -> b.contains("\"" + planned.getValue() + "\""), Duration.ofSeconds(60));
			Thread.sleep(2_000); // a second delivery, were the server to make one, would come at once
			assertThat(Signals.notificationsAbout(receiver, "/gp", planned)).as("its notification delivered once")
					.isEqualTo(1);
			try (Connection db = database(pidFile); Statement sql = db.createStatement()) {
				assertThat(owedFlags(sql)).as("nothing left owed").isEmpty();
				assertThat(owedSignals(sql)).as("no signal left owed").isEmpty();
			}
			// the conformance resources loaded at each start were unchanged, so no new versions were made
			var sp = client.read().resource(org.hl7.fhir.r4.model.SearchParameter.class)
					.withId("childlink-patient-nhs-number").execute();
			assertThat(sp.getMeta().getVersionId()).isEqualTo("1");
			Bundle profiles = client.search().byUrl("StructureDefinition?url:below=https://fhir.childlink.uk&_count=100")
					.returnBundle(Bundle.class).execute();
			assertThat(profiles.getEntry()).hasSizeGreaterThanOrEqualTo(15).allSatisfy(e -> {
				var sd = (org.hl7.fhir.r4.model.StructureDefinition) e.getResource();
				assertThat(sd.getMeta().getVersionId()).as(sd.getUrl()).isEqualTo("1");
				assertThat(sd.getSnapshot().getElement()).as("snapshot generated when loaded").isNotEmpty();
			});

			long postmasterPid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
			ProcessHandle.of(postmasterPid).orElseThrow().destroyForcibly();

			server.awaitReadiness(503, Duration.ofSeconds(60));
			assertThat(server.http().get("/actuator/health/liveness", "application/json").status()).isEqualTo(200);
			// a FHIR client asking meanwhile is told to come back, not that the server failed
			RawHttp.Response away = server.http().get("/fhir/Patient/" + id.getIdPart());
			assertThat(away.status()).as(away.body()).isEqualTo(503);
			assertThat(away.headers()).containsKey("retry-after");
			assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, away.body()).getIssueFirstRep()
					.getDiagnostics()).contains("Try again");
		}
	}

	private static IGenericClient client(ServerProcess server) {
		return server.client(FHIR);
	}

	/** The embedded PostgreSQL the server left running, by the port in its pid file. */
	private static Connection database(Path pidFile) throws Exception {
		String port = Files.readAllLines(pidFile).get(3).trim();
		return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
	}

	private static List<String> owedSignals(Statement sql) throws Exception {
		List<String> children = new ArrayList<>();
		try (ResultSet rows = sql.executeQuery("SELECT child FROM cl_signal WHERE sent IS NULL")) {
			while (rows.next()) {
				children.add(rows.getString(1));
			}
		}
		return children;
	}

	private static List<String> owedFlags(Statement sql) throws Exception {
		List<String> subjects = new ArrayList<>();
		try (ResultSet rows = sql.executeQuery("SELECT subject FROM cl_flag_work")) {
			while (rows.next()) {
				subjects.add(rows.getString(1));
			}
		}
		return subjects;
	}
}
