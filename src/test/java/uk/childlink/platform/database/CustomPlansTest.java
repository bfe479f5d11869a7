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
		HikariDataSource pool = pool(null);
		pool.addDataSourceProperty(StatementTimeout.OPTIONS, "-c statement_timeout=30000");
		CustomPlans.OnConnections plans = processed(new CustomPlans.OnConnections(true), pool);

		assertThat(pool.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS))
				.isEqualTo("-c statement_timeout=30000 -c plan_cache_mode=force_custom_plan");
		assertThat(new WritePlans(pool, plans.setHere()).on()).isTrue();
	}

	@Test
	void anOperatorsOwnSettingStandsForWritesToo() {
		HikariDataSource inOptions = pool(null);
		inOptions.addDataSourceProperty(StatementTimeout.OPTIONS, "-c plan_cache_mode=force_custom_plan");
		CustomPlans.OnConnections plans = processed(new CustomPlans.OnConnections(true), inOptions);
		assertThat(inOptions.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS))
				.isEqualTo("-c plan_cache_mode=force_custom_plan");
		assertThat(new WritePlans(inOptions, plans.setHere()).on()).isFalse();

		HikariDataSource inUrl = pool("jdbc:postgresql://db.example/childlink?options=-c%20plan_cache_mode=auto");
		CustomPlans.OnConnections urlPlans = processed(new CustomPlans.OnConnections(true), inUrl);
		assertThat(inUrl.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS)).isNull();
		assertThat(new WritePlans(inUrl, urlPlans.setHere()).on()).isFalse();
	}

	@Test
	void plainHapiKeepsPostgresqlsDefault() {
		HikariDataSource pool = pool(null);
		CustomPlans.OnConnections plans = processed(new CustomPlans.OnConnections(false), pool);

		assertThat(pool.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS)).isNull();
		assertThat(new WritePlans(pool, plans.setHere()).on()).isFalse();
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		return pool;
	}

	private static CustomPlans.OnConnections processed(CustomPlans.OnConnections plans, HikariDataSource pool) {
		plans.postProcessBeforeInitialization(pool, "dataSource");
		return plans;
	}
}
