package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.support.IntegrationTest;

/** The storage tuning is on by default (docs/performance.md): the driver batches inserts, PostgreSQL is sized. */
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

	private static String setting(Statement statement, String name) throws SQLException {
		try (ResultSet result = statement.executeQuery("SHOW " + name)) {
			result.next();
			return result.getString(1);
		}
	}
}
