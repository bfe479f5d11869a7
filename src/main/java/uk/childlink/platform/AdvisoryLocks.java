package uk.childlink.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that must not run at the same time as other work on the same things, in any server process on the database:
 * PostgreSQL advisory locks, one per name (hashed; a collision only makes two unrelated names wait for each other),
 * taken together in sorted order (so two holders cannot deadlock) on a connection held for the work and released
 * after it, or by PostgreSQL when the process dies. Waiting counts against the statement timeout.
 */
public final class AdvisoryLocks {

	private static final Logger log = LoggerFactory.getLogger(AdvisoryLocks.class);

	/** Volatile functions after ORDER BY are evaluated in its order (PostgreSQL 9.6 and later). */
	private static final String LOCK = "SELECT pg_advisory_lock(?, k) FROM unnest(?::int[]) AS t(k) ORDER BY k";

	private final DataSource dataSource;

	public AdvisoryLocks(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/**
	 * Runs {@code work} holding the locks of {@code names} in {@code namespace} (a constant per kind of thing).
	 *
	 * @throws IllegalStateException when the locks could not be taken (the work has not run)
	 */
	public <T> T holding(int namespace, Collection<String> names, Supplier<T> work) {
		int[] keys = names.stream().mapToInt(AdvisoryLocks::key).distinct().sorted().toArray();
		if (keys.length == 0) {
			return work.get();
		}
		Connection connection;
		try {
			connection = dataSource.getConnection();
		} catch (SQLException e) {
			throw new IllegalStateException("no database connection to take the locks on", e);
		}
		try {
			try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
				connection.setAutoCommit(true);
				lock.setInt(1, namespace);
				lock.setArray(2, connection.createArrayOf("int4", Arrays.stream(keys).boxed().toArray()));
				lock.executeQuery().close();
			} catch (SQLException e) {
				release(connection);
				throw new IllegalStateException("could not take the locks of " + names.size() + " names", e);
			}
			try {
				return work.get();
			} finally {
				release(connection);
			}
		} finally {
			close(connection);
		}
	}

	/** Releases the connection's locks; a connection whose locks might survive is thrown away, not pooled. */
	private void release(Connection connection) {
		try (Statement unlock = connection.createStatement()) {
			unlock.execute("SELECT pg_advisory_unlock_all()");
		} catch (SQLException e) {
			log.warn("Could not release advisory locks; the connection is closed instead", e);
			if (dataSource instanceof HikariDataSource hikari) {
				hikari.evictConnection(connection);
			}
		}
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		} catch (SQLException e) {
			log.debug("closing a lock connection", e);
		}
	}

	/** The first four bytes of the name's SHA-256. */
	static int key(String name) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			return (hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | hash[3] & 0xff;
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
