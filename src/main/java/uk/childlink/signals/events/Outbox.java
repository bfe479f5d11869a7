package uk.childlink.signals.events;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The signals owed, in PostgreSQL ({@code cl_signal}): added in the transaction of the change they come from, marked
 * sent in the transaction that writes their Tasks. SQL only: the transactions are the caller's.
 */
final class Outbox {

	private final JdbcTemplate sql;

	Outbox(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	void add(Collection<Signal> signals) {
		if (signals.isEmpty()) {
			return;
		}
		sql.batchUpdate("INSERT INTO cl_signal (topic, event, child, focus, requester, previous_org, new_org, not_before) "
				+ "VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?::timestamptz, now()))", signals.stream().map(s -> new Object[] {s.topic(),
						s.event(), s.child(), s.focus(), s.requester(), s.previousOrg(), s.newOrg(),
						s.due() == null ? null : Timestamp.from(s.due())}).toList());
	}

	/** The oldest signal due, locked for the caller's transaction (other processes skip it). */
	Optional<Signal> next() {
		return sql.query("SELECT id, topic, event, child, focus, requester, previous_org, new_org FROM cl_signal "
				+ "WHERE sent IS NULL AND not_before <= now() ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED",
				(row, i) -> new Signal(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
						row.getString(5), row.getString(6), row.getString(7), row.getString(8), null))
				.stream().findFirst();
	}

	/** The signal went to {@code recipients} organisations: in the transaction that wrote their Tasks. */
	void sent(long id, int recipients) {
		sql.update("UPDATE cl_signal SET sent = now(), recipients = ? WHERE id = ?", recipients, id);
	}

	/** Sending failed: it is tried again after a wait that doubles with each failure, up to an hour. */
	void failed(long id) {
		sql.update("UPDATE cl_signal SET attempts = attempts + 1, "
				+ "not_before = now() + make_interval(secs => least(3600, 5 * power(2, least(attempts, 12)))) "
				+ "WHERE id = ?", id);
	}
}
