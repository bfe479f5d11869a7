package uk.childlink.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every connection of the pool plans each statement with its own values ({@code plan_cache_mode=force_custom_plan},
 * through the driver's {@code options}). HAPI's searches are prepared statements, and after five runs PostgreSQL may
 * switch to a generic plan, which takes every value for an average one. The access narrowing joins the grants of the
 * caller's organisation, and their number is anything but average (a council has thousands of children): at 50,000
 * children the generic plan drove a council's lookup by NHS number from its 12,700 grants (520 ms) instead of from
 * the identifier (1 ms), a cost that grew with the caller's children. Planning each search costs a fraction of a
 * millisecond. An operator's own {@code plan_cache_mode} stands.
 */
@Configuration(proxyBeanMethods = false)
class CustomPlans {

	static final String SETTING = "plan_cache_mode";

	@Bean
	static BeanPostProcessor customPlansOnConnections() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String name) {
				if (bean instanceof HikariDataSource hikari) {
					String options = hikari.getDataSourceProperties().getProperty(StatementTimeout.OPTIONS, "");
					String url = hikari.getJdbcUrl() == null ? "" : hikari.getJdbcUrl();
					if (!options.contains(SETTING) && !url.contains(SETTING)) {
						hikari.addDataSourceProperty(StatementTimeout.OPTIONS,
								(options + " -c " + SETTING + "=force_custom_plan").trim());
					}
				}
				return bean;
			}
		};
	}
}
