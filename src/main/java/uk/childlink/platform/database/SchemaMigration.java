package uk.childlink.platform.database;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates or upgrades the HAPI FHIR schema with HAPI's own migrator before Hibernate starts, so a new database
 * gets the full schema and an existing one the migrations of a newer HAPI version. Several server processes may
 * start at once against one database: HAPI's migrator takes a lock in its migration table.
 */
@Component("childlinkSchemaMigration")
public class SchemaMigration {

	static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";

	private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

	SchemaMigration(DataSource dataSource) {
		long start = System.nanoTime();
		HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, dataSource, DriverTypeEnum.POSTGRES_9_4);
		migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
		migrator.createMigrationTableIfRequired();
		MigrationResult result = migrator.migrate();
		log.info("Database schema ready in {} ms: {}", (System.nanoTime() - start) / 1_000_000, result.summary());
	}
}
