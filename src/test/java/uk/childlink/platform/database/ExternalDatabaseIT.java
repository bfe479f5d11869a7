package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.support.Fixtures;
import uk.childlink.support.ServerProcess;

/**
 * Production set-up: a PostgreSQL the server does not own, given by the standard SPRING_DATASOURCE_* variables,
 * with an ordinary (non-superuser) account and an empty database. The server creates its schema there and does
 * not start its embedded PostgreSQL.
 */
class ExternalDatabaseIT {

	@TempDir
	Path dataDir;

	@TempDir
	Path externalDbDir;

	@Test
	void serverUsesTheConfiguredDatabaseAndCreatesItsSchema() throws Exception {
		try (EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(externalDbDir).start()) {
			try (Connection admin = external.getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
				sql.execute("CREATE ROLE childlink LOGIN PASSWORD 'not-a-real-secret'");
				sql.execute("CREATE DATABASE childlink OWNER childlink");
			}
			String url = "jdbc:postgresql://localhost:" + external.getPort() + "/childlink";
			Map<String, String> env = Map.of(
					"SPRING_DATASOURCE_URL", url,
					"SPRING_DATASOURCE_USERNAME", "childlink",
					"SPRING_DATASOURCE_PASSWORD", "not-a-real-secret",
					"CHILDLINK_ACCESS_DEVISSUER", "true"); // a test bench: the tests' key, not an identity provider

			String nhs = Fixtures.nextNhsNumber();
			try (ServerProcess server = ServerProcess.start(dataDir, env)) {
				FhirContext fhir = FhirContext.forR4Cached();
				fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
				IGenericClient client = server.client(fhir);
				client.create().resource(Fixtures.child(nhs, "External", "Rae", "2017-03-03")).execute();
				Bundle found = client.search().byUrl("Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs)
						.returnBundle(Bundle.class).execute();
				assertThat(found.getTotal()).isEqualTo(1);
				assertThat(server.log()).doesNotContain("Starting the embedded PostgreSQL");
			}

			assertThat(dataDir.resolve("postgres")).doesNotExist();
			try (Connection db = external.getDatabase("childlink", "childlink").getConnection();
					Statement sql = db.createStatement();
					ResultSet rs = sql.executeQuery("SELECT count(*) FROM hfj_resource WHERE res_type = 'Patient'")) {
				rs.next();
				assertThat(rs.getInt(1)).isEqualTo(1);
			}
		}
	}
}
