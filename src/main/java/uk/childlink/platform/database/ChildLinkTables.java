package uk.childlink.platform.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * ChildLink's own tables, beside HAPI's: the SQL scripts {@code db/childlink/V<n>__<what>.sql} on the classpath
 * (each module puts its own there), applied once each, in order, and recorded in {@code cl_schema_version}. Run by
 * {@link SchemaMigration} under its lock, after HAPI's migrations.
 */
final class ChildLinkTables {

	private static final Logger log = LoggerFactory.getLogger(ChildLinkTables.class);
	private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__[\\w-]+\\.sql");

	private ChildLinkTables() {}

	static void migrate(Connection connection) throws SQLException {
		try (Statement sql = connection.createStatement()) {
			sql.execute("CREATE TABLE IF NOT EXISTS cl_schema_version (version integer PRIMARY KEY, "
					+ "script varchar(200) NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
		}
		Set<Integer> applied = new HashSet<>();
		try (Statement sql = connection.createStatement();
				ResultSet rows = sql.executeQuery("SELECT version FROM cl_schema_version")) {
			while (rows.next()) {
				applied.add(rows.getInt(1));
			}
		}
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			for (Resource script : scripts()) {
				int version = version(script);
				if (applied.contains(version)) {
					continue;
				}
				try (Statement sql = connection.createStatement();
						PreparedStatement record = connection.prepareStatement(
								"INSERT INTO cl_schema_version (version, script) VALUES (?, ?)")) {
					sql.execute(read(script));
					record.setInt(1, version);
					record.setString(2, script.getFilename());
					record.executeUpdate();
				}
				connection.commit();
				log.info("ChildLink table migration {} applied", script.getFilename());
			}
		} catch (SQLException | RuntimeException e) {
			connection.rollback();
			throw e;
		} finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	private static List<Resource> scripts() {
		try {
			Resource[] found = new PathMatchingResourcePatternResolver().getResources("classpath*:db/childlink/V*.sql");
			return List.of(found).stream().sorted(Comparator.comparingInt(ChildLinkTables::version)).toList();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static int version(Resource script) {
		Matcher name = SCRIPT.matcher(script.getFilename());
		if (!name.matches()) {
			throw new IllegalStateException("db/childlink/" + script.getFilename() + " is not named V<n>__<what>.sql");
		}
		return Integer.parseInt(name.group(1));
	}

	private static String read(Resource script) {
		try (InputStream in = script.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
