package uk.childlink.signals.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The notifications owed to subscriptions, and each subscription's counts, in PostgreSQL ({@code cl_notification},
 * {@code cl_subscription_state}). A notification is added in the transaction that sends its signal, and claimed for
 * a while by the process that delivers it (in a statement of its own), so that the delivery itself holds no
 * connection and a process that dies mid-delivery leaves it to be claimed again.
 */
final class Notifications {

	private final JdbcTemplate sql;

	Notifications(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	/** A notification owed: the subscription's next event. In the caller's transaction. */
	record Owed(long id, String subscription, String topic, String task, String child, long eventNumber,
			Instant occurred) {}

	/** The subscription's state, for its $status. */
	record State(long events, int failures, String lastError, Instant lastErrorAt, Instant lastDelivered) {}

	void add(String subscription, long signalId, String topic, String task, String child) {
		Long events = sql.queryForObject("INSERT INTO cl_subscription_state (subscription, events) VALUES (?, 1) "
				+ "ON CONFLICT (subscription) DO UPDATE SET events = cl_subscription_state.events + 1 RETURNING events",
				Long.class, subscription);
		sql.update("INSERT INTO cl_notification (subscription, signal_id, topic, task, child, event_number) "
				+ "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscription, signal_id) DO NOTHING",
				subscription, signalId, topic, task, child, events);
	}

	/** Claims the oldest notification due for {@code hold}; empty when none is. A statement of its own. */
	Optional<Owed> claim(Duration hold) {
		return sql.query("UPDATE cl_notification SET claimed_until = now() + make_interval(secs => ?) WHERE id = ("
				+ "SELECT id FROM cl_notification WHERE delivered IS NULL AND not_before <= now() "
				+ "AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY not_before, id LIMIT 1 "
				+ "FOR UPDATE SKIP LOCKED) RETURNING id, subscription, topic, task, child, event_number, occurred",
				(row, i) -> new Owed(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
						row.getString(5), row.getLong(6), row.getTimestamp(7).toInstant()),
				hold.toMillis() / 1000.0).stream().findFirst();
	}

	void delivered(Owed owed) {
		sql.update("UPDATE cl_notification SET delivered = now(), claimed_until = NULL, attempts = attempts + 1 "
				+ "WHERE id = ?", owed.id());
		sql.update("UPDATE cl_subscription_state SET failures = 0, last_delivered = now() WHERE subscription = ?",
				owed.subscription());
	}

	/**
	 * The delivery failed: tried again after {@code retry}, doubled with each failure, up to an hour. Returns the
	 * subscription's failures in a row.
	 */
	int failed(Owed owed, String error, Duration retry) {
		sql.update("UPDATE cl_notification SET attempts = attempts + 1, claimed_until = NULL, last_error = ?, "
				+ "not_before = now() + make_interval(secs => least(3600, ? * power(2, least(attempts, 16)))) "
				+ "WHERE id = ?", error, retry.toMillis() / 1000.0, owed.id());
		return sql.queryForObject("UPDATE cl_subscription_state SET failures = failures + 1, last_error = ?, "
				+ "last_error_at = now() WHERE subscription = ? RETURNING failures", Integer.class, error,
				owed.subscription());
	}

	/** Not delivered now (the subscription is in error): looked at again after {@code wait}. */
	void postpone(Owed owed, Duration wait) {
		sql.update("UPDATE cl_notification SET claimed_until = NULL, "
				+ "not_before = now() + make_interval(secs => ?) WHERE id = ?", wait.toMillis() / 1000.0, owed.id());
	}

	/** Never delivered: the subscription was switched off or deleted. */
	void dropped(Owed owed, String why) {
		sql.update("UPDATE cl_notification SET delivered = now(), claimed_until = NULL, last_error = ? WHERE id = ?",
				"not delivered: " + why, owed.id());
	}

	/** The subscription's owner resumed it: its failures are forgotten and what it is owed is due now. */
	void resume(String subscription) {
		sql.update("UPDATE cl_subscription_state SET failures = 0 WHERE subscription = ?", subscription);
		sql.update("UPDATE cl_notification SET not_before = now() WHERE subscription = ? AND delivered IS NULL",
				subscription);
	}

	State state(String subscription) {
		return sql.query("SELECT events, failures, last_error, last_error_at, last_delivered FROM cl_subscription_state "
				+ "WHERE subscription = ?", (row, i) -> new State(row.getLong(1), row.getInt(2), row.getString(3),
						row.getTimestamp(4) == null ? null : row.getTimestamp(4).toInstant(),
						row.getTimestamp(5) == null ? null : row.getTimestamp(5).toInstant()), subscription)
				.stream().findFirst().orElse(new State(0, 0, null, null, null));
	}
}
