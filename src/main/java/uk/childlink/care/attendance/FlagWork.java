package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The absence flags the server owes, in PostgreSQL ({@code cl_flag_work}): a child is added in the transaction that
 * writes its attendance record and removed in the transaction that brings its flag up to date, so a crash between
 * the two loses nothing and any server process can do the work. SQL only: the transactions are the caller's.
 */
final class FlagWork {

	private static final int BATCH = 1_000;

	private final JdbcTemplate sql;
	final long attendanceCodeHash;

	FlagWork(DataSource dataSource, PartitionSettings partitions) {
		this.sql = new JdbcTemplate(dataSource);
		// how HAPI indexes Observation.code = observation-code|attendance-summary, to find the children with records
		this.attendanceCodeHash = ResourceIndexedSearchParamToken.calculateHashSystemAndValue(partitions,
				RequestPartitionId.defaultPartition(), "Observation", "code", AttendanceRecords.OBSERVATION_CODE,
				"attendance-summary");
	}

	/**
	 * Adds the children (Patient/id) in the caller's transaction. A child already waiting is not added twice; a child
	 * whose flag is being brought up to date right now is added again once that commits (the row lock makes this
	 * wait), so a change is never folded into a refresh that did not see it.
	 */
	void add(Collection<String> children) {
		List<Object[]> rows = children.stream().sorted().map(child -> new Object[] {child}).toList();
		sql.batchUpdate("INSERT INTO cl_flag_work (subject) VALUES (?) ON CONFLICT (subject) DO UPDATE "
				+ "SET queued = now(), routine = false, attempts = 0, not_before = now()", rows);
	}

	/**
	 * The next child due, locked for the caller's transaction (other processes skip it); changes first, the daily
	 * check's children after them.
	 */
	Optional<String> next() {
		return sql.queryForList("SELECT subject FROM cl_flag_work WHERE not_before <= now() "
				+ "ORDER BY routine, not_before LIMIT 1 FOR UPDATE SKIP LOCKED", String.class).stream().findFirst();
	}

	/** The child's flag is up to date: in the transaction that made it so. */
	void done(String child) {
		sql.update("DELETE FROM cl_flag_work WHERE subject = ?", child);
	}

	/** The child's refresh failed: it is tried again after a wait that doubles with each failure, up to an hour. */
	void failed(String child) {
		sql.update("UPDATE cl_flag_work SET attempts = attempts + 1, "
				+ "not_before = now() + make_interval(secs => least(3600, 5 * power(2, least(attempts, 12)))) "
				+ "WHERE subject = ?", child);
	}

	/**
	 * Claims the daily check of {@code day} for this process: true for the one process that adds the day's row (in
	 * its own transaction, so a second process sees it at once).
	 */
	boolean claimCheck(LocalDate day) {
		return sql.update("INSERT INTO cl_flag_check (day) VALUES (?) ON CONFLICT DO NOTHING", day) == 1;
	}

	/**
	 * Adds, as routine work, every child with an attendance record (of any school year: last year's flag is closed in
	 * a new one), a batch of children at a time. Returns how many were added.
	 */
	long addEveryChildWithRecords() {
		long added = 0;
		for (long after = 0; ; ) {
			List<Long> batch = sql.queryForList("SELECT res_id FROM hfj_resource WHERE res_type = 'Patient' "
					+ "AND res_id > ? ORDER BY res_id LIMIT " + BATCH, Long.class, after);
			if (batch.isEmpty()) {
				return added;
			}
			long last = batch.get(batch.size() - 1);
			added += sql.update("INSERT INTO cl_flag_work (subject, routine) "
					+ "SELECT 'Patient/' || p.fhir_id, true FROM hfj_resource p "
					+ "WHERE p.res_type = 'Patient' AND p.res_id > ? AND p.res_id <= ? AND EXISTS ("
					+ " SELECT 1 FROM hfj_res_link l JOIN hfj_spidx_token t ON t.res_id = l.src_resource_id"
					+ " WHERE l.target_resource_id = p.res_id AND l.src_path = 'Observation.subject'"
					+ " AND t.hash_sys_and_value = ?) "
					+ "ON CONFLICT (subject) DO NOTHING", after, last, attendanceCodeHash);
			after = last;
		}
	}
}
