package uk.childlink.platform.database;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import uk.childlink.platform.PlainHapi;

/**
 * Creates or upgrades the HAPI FHIR schema with HAPI's own migrator before Hibernate starts, then ChildLink's own
 * tables ({@link ChildLinkTables}; not as plain HAPI, {@link PlainHapi}), so a new database
 * gets the full schema and an existing one the migrations of a newer HAPI version. Several server processes may
 * start at once against one database: a PostgreSQL advisory lock lets one migrate while the others wait (HAPI's own
 * lock lives in its migration table, which the first start has to create unguarded).
 */
@Component("childlinkSchemaMigration")
public class SchemaMigration {

	static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";

	private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

	/**
	 * A pool of its own for the migration, closed when it is done: HAPI's migrator needs two connections at once
	 * besides the lock's, so a small server pool would otherwise run dry; a migration's statements (an index built on
	 * a large table) must not be cut short by the server pool's statement timeout; and it asks for a connection for
	 * nearly every check of its thousand-odd tasks, which unpooled took 40 s of a first start (a new PostgreSQL
	 * backend each time).
	 */
	private static HikariDataSource ownPool(HikariDataSource server) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(server.getJdbcUrl());
		pool.setUsername(server.getUsername());
		pool.setPassword(server.getPassword());
		pool.setPoolName("schema-migration");
		pool.setMaximumPoolSize(3);
		pool.setMinimumIdle(0);
		return pool;
	}

	/** Any fixed number will do, as long as only this code uses it: "ChildLin" in ASCII. */
	static final long ADVISORY_LOCK_KEY = 0x4368696c644c696eL;

	SchemaMigration(DataSource pool, Environment environment) throws SQLException {
		long start = System.nanoTime();
		boolean ours = !PlainHapi.on(environment); // plain HAPI: HAPI's schema alone
		if (pool instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
			try (HikariDataSource own = ownPool(hikari)) {
				migrate(own, start, ours);
			}
		} else {
			migrate(pool, start, ours);
		}
	}

	private static void migrate(DataSource dataSource, long start, boolean ours) throws SQLException {
		try (Connection lockHolder = dataSource.getConnection(); Statement sql = lockHolder.createStatement()) {
			sql.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK_KEY + ")");
			try {
				HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, dataSource, DriverTypeEnum.POSTGRES_9_4);
				migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
				migrator.createMigrationTableIfRequired();
				MigrationResult result = migrator.migrate();
				if (ours) {
					ChildLinkTables.migrate(lockHolder);
				}
				log.info("Database schema ready in {} ms: {}", (System.nanoTime() - start) / 1_000_000, result.summary());
			} finally {
				sql.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK_KEY + ")");
			}
		}
	}
}
