package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/**
 * The storage tuning is on by default (docs/performance.md): the driver batches inserts, PostgreSQL is sized, a
 * child looked up by NHS number is found without storing the search.
 */
class StorageTuningIT extends IntegrationTest {

	@Autowired
	DataSource dataSource;

	@Test
	void theServerRunsWithTheMeasuredStorageTuning() throws SQLException {
		assertThat(((HikariDataSource) dataSource).getDataSourceProperties())
				.containsEntry("reWriteBatchedInserts", "true");
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			assertThat(setting(statement, "shared_buffers")).isEqualTo("256MB");
			assertThat(setting(statement, "max_wal_size")).isEqualTo("4GB");
			assertThat(setting(statement, "checkpoint_timeout")).isEqualTo("15min");
			assertThat(setting(statement, "random_page_cost")).isEqualTo("1.1");
		}
	}

	@Test
	void aChildFoundByNhsNumberIsNotStoredAsASearch() throws SQLException {
		String nhs = Fixtures.nextNhsNumber();
		client().create().resource(Fixtures.child(nhs, "Lookup", "Lou", "2016-06-06")).execute();
		long before = storedSearches();

		Bundle found = client().search().byUrl("Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs)
				.returnBundle(Bundle.class).execute();
		Bundle byName = client().search().byUrl("Patient?family=Lookup").returnBundle(Bundle.class).execute();

		assertThat(found.getEntry()).hasSize(1);
		assertThat(byName.getEntry()).isNotEmpty();
		assertThat(storedSearches()).isEqualTo(before + 1); // the search by name only
	}

	@Test
	void theObservationSearchParametersNobodyUsesAreRetired() {
		assertThatThrownBy(() -> client().search().byUrl("Observation?combo-code=http://loinc.org|8867-4")
				.returnBundle(Bundle.class).execute())
				.isInstanceOfSatisfying(InvalidRequestException.class,
						e -> assertThat(e.getMessage()).contains("combo-code"));
		// the ones the documented searches use stay
		Bundle byComponent = client().search().byUrl("Observation?component-code=https://fhir.childlink.uk/CodeSystem/"
				+ "attendance-category|unauthorised&_count=1").returnBundle(Bundle.class).execute();
		assertThat(byComponent.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
		assertThat(byComponent.getLink(Bundle.LINK_SELF).getUrl()).contains("component-code");
	}

	private long storedSearches() throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM hfj_search")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static String setting(Statement statement, String name) throws SQLException {
		try (ResultSet result = statement.executeQuery("SHOW " + name)) {
			result.next();
			return result.getString(1);
		}
	}
}
