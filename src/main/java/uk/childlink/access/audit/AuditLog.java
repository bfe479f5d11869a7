package uk.childlink.access.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import uk.childlink.platform.FhirText;

/**
 * The audit trail's table ({@code cl_audit_event}, {@code db/childlink/V2__access_audit.sql}): an access is one row
 * appended, never changed. A read's row is committed before its answer leaves: concurrent reads share a commit (one
 * writer thread takes every row waiting and commits them together), so the cost of a read's audit is an append, not a
 * resource write. A write's row is appended in the write's own transaction ({@link #appendInTransaction}).
 */
final class AuditLog implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

	private static final String INSERT = "INSERT INTO cl_audit_event (recorded, interaction, action, status, failure, "
			+ "issuer, subject, client_id, agency, roles, org_system, org_value, address, request, break_glass, children) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	private static final String COLUMNS = "id, recorded, interaction, action, status, failure, issuer, subject, "
			+ "client_id, agency, roles, org_system, org_value, address, request, break_glass, children";
	private static final int MOST_IN_ONE_COMMIT = 500;
	private static final Duration WAIT = Duration.ofSeconds(30);

	private record Waiting(AuditRecord record, CompletableFuture<Void> committed) {}

	private final DataSource dataSource;
	private final JdbcTemplate sql;
	private final BlockingQueue<Waiting> waiting = new ArrayBlockingQueue<>(10_000);
	private final Thread writer;
	private volatile boolean open = true;

	AuditLog(DataSource dataSource) {
		this.dataSource = dataSource;
		this.sql = new JdbcTemplate(dataSource);
		this.writer = new Thread(this::write, "childlink-audit-writer");
		writer.setDaemon(true);
		writer.start();
	}

	/**
	 * Appends the record and returns once it is committed.
	 *
	 * @throws IllegalStateException when it could not be (the caller then withholds the answer)
	 */
	void append(AuditRecord record) {
		Waiting entry = new Waiting(record, new CompletableFuture<>());
		try {
			if (!open || !waiting.offer(entry, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("the audit trail is not taking records");
			}
			entry.committed().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while the access was being recorded", e);
		} catch (ExecutionException e) {
			throw new IllegalStateException("the access could not be recorded: " + e.getCause(), e.getCause());
		} catch (TimeoutException e) {
			throw new IllegalStateException("the access was not recorded within " + WAIT.toSeconds() + " s", e);
		}
	}

	/** Appends the record in the transaction the caller is in (with the data it records). */
	void appendInTransaction(AuditRecord record) {
		sql.update(connection -> {
			PreparedStatement insert = connection.prepareStatement(INSERT);
			bind(connection, insert, record);
			return insert;
		});
	}

	private void write() {
		while (open) {
			List<Waiting> batch = new ArrayList<>();
			try {
				batch.add(waiting.take());
			} catch (InterruptedException e) {
				break;
			}
			waiting.drainTo(batch, MOST_IN_ONE_COMMIT - 1);
			try (Connection connection = dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
					for (Waiting entry : batch) {
						bind(connection, insert, entry.record());
						insert.addBatch();
					}
					insert.executeBatch();
					connection.commit();
				} catch (SQLException | RuntimeException e) {
					connection.rollback();
					throw e;
				}
				batch.forEach(entry -> entry.committed().complete(null));
			} catch (SQLException | RuntimeException e) {
				log.error("Could not append {} audit records; their requests are answered with an error", batch.size(), e);
				batch.forEach(entry -> entry.committed().completeExceptionally(e));
			}
		}
	}

	private static void bind(Connection connection, PreparedStatement insert, AuditRecord r) throws SQLException {
		insert.setTimestamp(1, Timestamp.from(r.recorded()));
		insert.setString(2, r.interaction());
		insert.setString(3, r.action().toCode());
		insert.setInt(4, r.status());
		insert.setString(5, FhirText.escaped(r.failure()));
		insert.setString(6, FhirText.escaped(r.issuer()));
		insert.setString(7, FhirText.escaped(r.subject()));
		insert.setString(8, FhirText.escaped(r.clientId()));
		insert.setString(9, FhirText.escaped(r.agency()));
		insert.setArray(10, connection.createArrayOf("text", r.roles().stream().map(FhirText::escaped).toArray()));
		insert.setString(11, FhirText.escaped(r.organisationSystem()));
		insert.setString(12, FhirText.escaped(r.organisationValue()));
		insert.setString(13, FhirText.escaped(r.address()));
		insert.setString(14, FhirText.escaped(r.request()));
		insert.setString(15, FhirText.escaped(r.breakGlassReason()));
		insert.setArray(16, connection.createArrayOf("text", r.children().stream().map(FhirText::escaped).toArray()));
	}

	/**
	 * The records naming the child (all when null), of callers whose subject starts with {@code subjectStart} (any
	 * case; all when null), of broken glass only or not, between two instants (either open), newest first or last.
	 */
	List<AuditRecord> search(String child, String subjectStart, boolean breakGlassOnly, Instant from, Instant to,
			boolean newestFirst, int offset, int count) {
		StringBuilder query = new StringBuilder("SELECT " + COLUMNS + " FROM cl_audit_event WHERE true");
		List<Object> args = new ArrayList<>();
		if (child != null) {
			query.append(" AND children @> ARRAY[?]::text[]");
			args.add(child);
		}
		if (subjectStart != null) {
			query.append(" AND lower(subject) LIKE ? ESCAPE '\\'");
			args.add(subjectStart.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
					.replace("_", "\\_") + "%");
		}
		if (breakGlassOnly) {
			query.append(" AND break_glass IS NOT NULL");
		}
		if (from != null) {
			query.append(" AND recorded >= ?");
			args.add(Timestamp.from(from));
		}
		if (to != null) {
			query.append(" AND recorded <= ?");
			args.add(Timestamp.from(to));
		}
		query.append(" ORDER BY id ").append(newestFirst ? "DESC" : "ASC").append(" OFFSET ? LIMIT ?");
		args.add(offset);
		args.add(count);
		return sql.query(query.toString(), ROW, args.toArray());
	}

	Optional<AuditRecord> read(long id) {
		return sql.query("SELECT " + COLUMNS + " FROM cl_audit_event WHERE id = ?", ROW, id).stream().findFirst();
	}

	/** Deletes what is older than {@code before}; returns how many. */
	int purge(Instant before) {
		return sql.update("DELETE FROM cl_audit_event WHERE recorded < ?", Timestamp.from(before));
	}

	private static final RowMapper<AuditRecord> ROW = (row, n) -> new AuditRecord(
			row.getLong("id"),
			row.getTimestamp("recorded").toInstant(),
			row.getString("interaction"),
			AuditEventAction.fromCode(row.getString("action").trim()),
			row.getInt("status"),
			row.getString("failure"),
			row.getString("issuer"),
			row.getString("subject"),
			row.getString("client_id"),
			row.getString("agency"),
			strings(row, "roles"),
			row.getString("org_system"),
			row.getString("org_value"),
			row.getString("address"),
			row.getString("request"),
			row.getString("break_glass"),
			strings(row, "children"));

	private static List<String> strings(ResultSet row, String column) throws SQLException {
		Array array = row.getArray(column);
		return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
	}

	@Override
	public void close() {
		open = false;
		writer.interrupt();
		List<Waiting> left = new ArrayList<>();
		waiting.drainTo(left);
		left.forEach(entry -> entry.committed().completeExceptionally(new IllegalStateException("server stopping")));
	}
}
