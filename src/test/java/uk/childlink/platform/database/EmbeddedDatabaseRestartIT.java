package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.support.Fixtures;
import uk.childlink.support.RawHttp;
import uk.childlink.support.ServerProcess;

/**
 * The packaged jar, started three times on one data directory: what was written before a restart is there after it,
 * after a clean stop and after the server was killed outright (leaving its PostgreSQL running). Then the database
 * goes away underneath the server: readiness says so while liveness does not, and a FHIR request is answered 503 with
 * Retry-After.
 */
class EmbeddedDatabaseRestartIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@TempDir
	Path dataDir;

	@Test
	void dataSurvivesRestartsAndReadinessFollowsTheDatabase() throws Exception {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		String nhs = Fixtures.nextNhsNumber();
		IdType id;
		try (ServerProcess server = ServerProcess.start(dataDir)) {
			id = (IdType) client(server).create()
					.resource(Fixtures.child(nhs, "Restart", "Nell", "2019-08-08")).execute().getId();
		}
		Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
		assertThat(pidFile).as("embedded PostgreSQL stopped cleanly with the server").doesNotExist();

		try (ServerProcess server = ServerProcess.start(dataDir)) {
			Patient read = client(server).read().resource(Patient.class).withId(id.getIdPart()).execute();
			assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
			server.kill();
		}
		assertThat(pidFile).as("the killed server's PostgreSQL is left running").exists();

		try (ServerProcess server = ServerProcess.start(dataDir)) {
			assertThat(server.log()).contains("left running by an earlier ChildLink");
			IGenericClient client = client(server);
			Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
			assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
			Bundle found = client.search().byUrl("Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs)
					.returnBundle(Bundle.class).execute();
			assertThat(found.getTotal()).isEqualTo(1);
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
}
