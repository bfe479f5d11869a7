package uk.childlink.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.StorageProperties;

/**
 * The database side of the storage tuning ({@code childlink.storage.tuned}, docs/performance.md): what the JDBC
 * driver does with a batch, and, for the embedded PostgreSQL, the server settings a write-heavy load needs. An
 * external PostgreSQL's settings belong to its operator (docs/performance.md lists these as advice).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseTuning {

	/**
	 * PostgreSQL's defaults are sized for a small shared machine: 128 MB of buffers, and a checkpoint after 1 GB of
	 * WAL, which a bulk load reaches every minute or so (each checkpoint then rewrites whole pages).
	 */
	static final Map<String, String> EMBEDDED_SERVER_SETTINGS = Map.of(
			"shared_buffers", "256MB",
			"max_wal_size", "4GB",
			"checkpoint_timeout", "15min",
			"wal_buffers", "16MB",
			// the data lives on local SSD-like storage: random reads cost about what sequential ones do
			"random_page_cost", "1.1");

	/**
	 * With reWriteBatchedInserts the driver sends a JDBC batch of INSERTs as a few multi-row INSERT statements
	 * instead of one round trip per row. An operator's own choice (in the JDBC URL or the pool's data source
	 * properties) stands. The settings are looked up only when the DataSource is built, so that declaring this
	 * post-processor does not create them early.
	 */
	@Bean
	static BeanPostProcessor batchedInserts(ObjectProvider<StorageProperties> storage) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String name) {
				if (bean instanceof HikariDataSource hikari && storage.getObject().tuned()
						&& !hikari.getDataSourceProperties().containsKey(REWRITE)
						&& (hikari.getJdbcUrl() == null || !hikari.getJdbcUrl().contains(REWRITE))) {
					hikari.addDataSourceProperty(REWRITE, "true");
				}
				return bean;
			}
		};
	}

	private static final String REWRITE = "reWriteBatchedInserts";
}
