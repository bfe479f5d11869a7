package uk.childlink.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.PlatformProperties;

/**
 * {@code childlink.server.statement-timeout}: PostgreSQL's {@code statement_timeout}, set for every connection of the
 * pool when it opens (the driver's {@code options} property), so that a runaway search is cancelled in the database
 * rather than holding a connection for as long as it takes. An operator's own {@code options} are kept.
 */
@Configuration(proxyBeanMethods = false)
class StatementTimeout {

	static final String OPTIONS = "options";

	@Bean
	static BeanPostProcessor statementTimeoutOnConnections(ObjectProvider<PlatformProperties> platform) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String name) {
				long millis = bean instanceof HikariDataSource ? platform.getObject().statementTimeout().toMillis() : 0;
				if (millis > 0) {
					HikariDataSource hikari = (HikariDataSource) bean;
					String options = hikari.getDataSourceProperties().getProperty(OPTIONS, "");
					if (!options.contains("statement_timeout")) {
						hikari.addDataSourceProperty(OPTIONS, (options + " -c statement_timeout=" + millis).trim());
					}
				}
				return bean;
			}
		};
	}
}
