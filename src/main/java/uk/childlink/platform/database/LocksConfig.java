package uk.childlink.platform.database;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.AdvisoryLocks;

/** Locks held in PostgreSQL, so that they hold across server processes. */
@Configuration(proxyBeanMethods = false)
class LocksConfig {

	@Bean
	AdvisoryLocks advisoryLocks(DataSource dataSource) {
		return new AdvisoryLocks(dataSource);
	}
}
