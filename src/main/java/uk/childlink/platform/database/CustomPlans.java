package uk.childlink.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import uk.childlink.platform.PlainHapi;

/**
 * Every connection of the pool plans each statement with its own values ({@code plan_cache_mode=force_custom_plan},
 * through the driver's {@code options}). HAPI's searches are prepared statements, and after five runs PostgreSQL may
 * switch to a generic plan, which takes every value for an average one. The access narrowing joins the grants of the
 * caller's organisation, and their number is anything but average (a council has thousands of children): at 50,000
 * children the generic plan drove a council's lookup by NHS number from its 12,700 grants (520 ms) instead of from
 * the identifier (1 ms), a cost that grew with the caller's children. An operator's own {@code plan_cache_mode}
 * stands. Plain HAPI ({@link PlainHapi}) keeps PostgreSQL's default, as a user running HAPI would. A transaction a write
 * opens plans generically again ({@link WritePlans}).
 *
 * <p>Planning each search anew has its cost: PostgreSQL's exhaustive join search over a council's list (HAPI's seven
 * joins with the narrowing's chain to the grants) takes 16-51 ms to plan a 0.3 ms query. {@code join_collapse_limit=4}
 * cut that to 4 ms, and was not kept: it left a chained search's selective join (the child's NHS number, last in
 * HAPI's order) to the end, and a term's attendance went from 0.45 to 14.5 ms to run, growing with the records
 * (docs/performance.md).
 */
@Configuration(proxyBeanMethods = false)
class CustomPlans {

	static final String SETTING = "plan_cache_mode";

	@Bean
	static OnConnections customPlansOnConnections(Environment environment) {
		return new OnConnections(!PlainHapi.on(environment));
	}

	/** The writes' plans follow from what was decided here: generic only where this class set custom plans. */
	@Bean
	WritePlans writePlans(DataSource dataSource, OnConnections onConnections) {
		return new WritePlans(dataSource, onConnections.setHere());
	}

	/**
	 * Sets the mode on the pool's connections, and remembers whether it did: an operator's own {@code plan_cache_mode}
	 * (in the pool's {@code options} or the JDBC URL) stands, for writes too.
	 */
	static final class OnConnections implements BeanPostProcessor {
		private final boolean enabled;
		private volatile boolean setHere;

		OnConnections(boolean enabled) {
			this.enabled = enabled;
		}

		@Override
		public Object postProcessBeforeInitialization(Object bean, String name) {
			if (bean instanceof HikariDataSource hikari && enabled) {
				String options = hikari.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS, "");
				String url = hikari.getJdbcUrl() == null ? "" : hikari.getJdbcUrl();
				if (!options.contains(SETTING) && !url.contains(SETTING)) {
					hikari.addDataSourceProperty(StatementTimeout.OPTIONS,
							(options + " -c " + SETTING + "=force_custom_plan").trim());
					setHere = true;
				}
			}
			return bean;
		}

		boolean setHere() {
			return setHere;
		}
	}
}
