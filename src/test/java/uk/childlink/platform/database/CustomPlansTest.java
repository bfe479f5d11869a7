package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

/**
 * Who decides how the pool plans: the server sets custom plans on a pool that has no setting, and only then do writes
 * plan generically; an operator's own {@code plan_cache_mode} (pool options or JDBC URL) stands, for writes too.
 * The pools are never opened: the decision is made on their settings.
 */
class CustomPlansTest {

	@Test
	void aPoolWithoutASettingPlansCustomAndItsWritesGenerically() {
		HikariDataSource pool = pool(null, "-c statement_timeout=30000");

		assertThat(writePlans(pool, true).on()).isTrue();
		assertThat(options(pool)).isEqualTo("-c statement_timeout=30000 -c plan_cache_mode=force_custom_plan");
	}

	@Test
	void anOperatorsOwnSettingStandsForWritesToo() {
		HikariDataSource inOptions = pool(null, "-c plan_cache_mode=force_custom_plan");
		assertThat(writePlans(inOptions, true).on()).isFalse();
		assertThat(options(inOptions)).isEqualTo("-c plan_cache_mode=force_custom_plan");

		HikariDataSource inUrl = pool("jdbc:postgresql://db.example/childlink?options=-c%20plan_cache_mode=auto", null);
		assertThat(writePlans(inUrl, true).on()).isFalse();
		assertThat(options(inUrl)).isNull();
	}

	@Test
	void plainHapiKeepsPostgresqlsDefault() {
		HikariDataSource pool = pool(null, null);

		assertThat(writePlans(pool, false).on()).isFalse();
		assertThat(options(pool)).isNull();
	}

	private static HikariDataSource pool(String url, String options) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		if (options != null) {
			pool.addDataSourceProperty(StatementTimeout.OPTIONS, options);
		}
		return pool;
	}

	/** The pool as the server's post-processor leaves it ({@code enabled}: not plain HAPI), and the writes' plans. */
	private static WritePlans writePlans(HikariDataSource pool, boolean enabled) {
		CustomPlans.OnConnections plans = new CustomPlans.OnConnections(enabled);
		plans.postProcessBeforeInitialization(pool, "dataSource");
		return new WritePlans(pool, plans.setHere());
	}

	private static String options(HikariDataSource pool) {
		return pool.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS);
	}
}
