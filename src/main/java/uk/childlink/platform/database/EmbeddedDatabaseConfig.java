package uk.childlink.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.PlatformProperties;
import uk.childlink.platform.StorageProperties;

/**
 * Local use only: when no {@code spring.datasource.url} is given, ChildLink starts its own PostgreSQL from the
 * binaries on the classpath, keeping the cluster in {@code <data-dir>/postgres} so that data survives restarts.
 * With a URL, this configuration stays out of the way and Boot's DataSource auto-configuration takes over.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatabaseCondition.class)
class EmbeddedDatabaseConfig {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfig.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(PlatformProperties properties, StorageProperties storage) throws IOException {
		Path dir = properties.embeddedDbDir().toAbsolutePath().normalize();
		Files.createDirectories(dir);
		OrphanedPostgres.stopIfLeftRunning(dir);
		log.warn("Starting the embedded PostgreSQL with its data in {}. It is for local use only: for production "
				+ "set SPRING_DATASOURCE_URL to an external PostgreSQL.", dir);
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(dir)
				.setCleanDataDirectory(false)
				// stopped by Spring after everything using the DataSource, not by a JVM hook racing it
				.setRegisterShutdownHook(false)
				// zonky waits 10 s by default; a busy 2-core machine can need longer after a crash (recovery)
				.setPGStartupWait(Duration.ofSeconds(60))
				// zonky starts PostgreSQL with fsync off (-F); the data here is meant to survive, so turn it back on
				.setServerConfig("fsync", "on")
				.setServerConfig("max_connections", "100");
		if (storage.tuned()) {
			DatabaseTuning.EMBEDDED_SERVER_SETTINGS.forEach(builder::setServerConfig);
		}
		if (properties.embeddedDbPort() > 0) {
			builder.setPort(properties.embeddedDbPort());
		}
		return builder.start();
	}

	/** The same pool Boot would build, bound to the usual {@code spring.datasource.hikari.*} settings. */
	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(EmbeddedPostgres postgres) {
		return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(postgres.getJdbcUrl("postgres", "postgres"))
				.username("postgres")
				.build();
	}
}
