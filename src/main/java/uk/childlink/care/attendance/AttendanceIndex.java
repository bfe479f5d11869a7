package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Primitives;

/**
 * Keeps {@code cl_attendance_record}, the counts of every stored attendance record, in the transaction that writes the
 * record: so that attendance statistics ({@code population.statistics}) add up rows instead of reading and parsing
 * every Observation, and are never out of step with what is stored. A record that no longer counts (withdrawn,
 * deleted, or no longer naming a child, a school and whole days) loses its row.
 */
@Interceptor(order = Pipeline.Order.RECORD_COUNTS)
final class AttendanceIndex {

	/** A record's counts, as stored in the table. */
	record Row(String observation, String school, String child, LocalDate start, LocalDate end,
			AttendanceSummary counts) {}

	private static final Logger log = LoggerFactory.getLogger(AttendanceIndex.class);
	private static final int BATCH = 500;

	private final JdbcTemplate sql;

	AttendanceIndex(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	/**
	 * Counts into the table the records stored before it existed (a database from before this release), once: by the
	 * process that claims the run (or takes over one abandoned for 10 minutes); writes since are the hooks' and win.
	 */
	void backfill(long attendanceCodeHash, IFhirResourceDao<Observation> observations) {
		boolean claimed = sql.update("INSERT INTO cl_statistics_run (run) VALUES ('backfill') ON CONFLICT DO NOTHING") == 1
				|| sql.update("UPDATE cl_statistics_run SET started = now() WHERE run = 'backfill' AND finished IS NULL "
						+ "AND started < now() - interval '10 minutes'") == 1;
		if (!claimed) {
			return;
		}
		long counted = 0;
		for (long after = 0; ; ) {
			List<Map<String, Object>> batch = sql.queryForList("SELECT r.res_id, r.fhir_id FROM hfj_resource r "
					+ "WHERE r.res_type = 'Observation' AND r.res_deleted_at IS NULL AND r.res_id > ? AND EXISTS ("
					+ " SELECT 1 FROM hfj_spidx_token t WHERE t.res_id = r.res_id AND t.hash_sys_and_value = ?) "
					+ "ORDER BY r.res_id LIMIT " + BATCH, after, attendanceCodeHash);
			if (batch.isEmpty()) {
				break;
			}
			after = ((Number) batch.get(batch.size() - 1).get("res_id")).longValue();
			TokenOrListParam ids = new TokenOrListParam();
			batch.forEach(row -> ids.add(new TokenParam((String) row.get("fhir_id"))));
			Map<String, Optional<Row>> rows = new LinkedHashMap<>();
			for (IBaseResource found : observations.search(SearchParameterMap.newSynchronous()
					.add("_id", ids), new SystemRequestDetails()).getAllResources()) {
				Observation obs = (Observation) found;
				String id = "Observation/" + obs.getIdElement().getIdPart();
				rowOf(id, obs).ifPresent(row -> rows.put(id, Optional.of(row)));
			}
			write(rows, false);
			counted += rows.size();
		}
		sql.update("UPDATE cl_statistics_run SET finished = now() WHERE run = 'backfill'");
		if (counted > 0) {
			log.info("Counted {} attendance records stored before the statistics table existed", counted);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		changed(resource, false);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource oldResource, IBaseResource newResource) {
		if (oldResource instanceof Observation was && AbsenceFlagTrigger.isAttendance(was)
				&& !(newResource instanceof Observation now && AbsenceFlagTrigger.isAttendance(now))) {
			changed(was, true); // no longer an attendance record: its counts go
			return;
		}
		changed(newResource, false);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource) {
		changed(resource, true);
	}

	private void changed(IBaseResource resource, boolean deleted) {
		if (!(resource instanceof Observation obs) || !AbsenceFlagTrigger.isAttendance(obs) || !obs.getIdElement().hasIdPart()) {
			return;
		}
		String id = "Observation/" + obs.getIdElement().getIdPart();
		BeforeCommit.of(this, Changes::new).rows.put(id, deleted ? Optional.empty() : rowOf(id, obs));
	}

	/** The record's row, or empty when it does not count. */
	static Optional<Row> rowOf(String id, Observation obs) {
		if (!AttendanceRecords.counts(obs) || !(obs.getEffective() instanceof Period period)) {
			return Optional.empty();
		}
		String child = relative(obs.getSubject());
		String school = obs.hasPerformer() ? relative(obs.getPerformerFirstRep()) : null;
		LocalDate start = Primitives.day(period.getStartElement());
		LocalDate end = Primitives.day(period.getEndElement());
		if (child == null || !child.startsWith("Patient/") || school == null || !school.startsWith("Organization/")
				|| start == null || end == null) {
			return Optional.empty();
		}
		return Optional.of(new Row(id, school, child, start, end, AttendanceRecords.summary(obs)));
	}

	/** A reference as {@code Type/id}, whatever version or base it was written with; null when it is not one. */
	private static String relative(org.hl7.fhir.r4.model.Reference reference) {
		org.hl7.fhir.instance.model.api.IIdType id = reference.getReferenceElement();
		return id.hasResourceType() && id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : null;
	}

	/** Writes (or removes) rows in the caller's transaction; also the backfill's way in, which keeps what is there. */
	void write(Map<String, Optional<Row>> rows, boolean replace) {
		List<Object[]> upserts = new ArrayList<>();
		List<Object[]> deletes = new ArrayList<>();
		rows.forEach((id, row) -> row.ifPresentOrElse(r -> upserts.add(new Object[] {r.observation(), r.school(),
				r.child(), Date.valueOf(r.start()), Date.valueOf(r.end()), r.counts().possible(), r.counts().present(),
				r.counts().approvedActivity(), r.counts().authorised(), r.counts().unauthorised()}),
				() -> deletes.add(new Object[] {id})));
		if (!deletes.isEmpty()) {
			sql.batchUpdate("DELETE FROM cl_attendance_record WHERE observation = ?", deletes);
		}
		if (!upserts.isEmpty()) {
			sql.batchUpdate("INSERT INTO cl_attendance_record (observation, school, child, period_start, period_end, "
					+ "possible, present, approved, authorised, unauthorised) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
					+ "ON CONFLICT (observation) DO " + (replace ? "UPDATE SET school = excluded.school, "
							+ "child = excluded.child, period_start = excluded.period_start, period_end = excluded.period_end, "
							+ "possible = excluded.possible, present = excluded.present, approved = excluded.approved, "
							+ "authorised = excluded.authorised, unauthorised = excluded.unauthorised" : "NOTHING"),
					upserts);
		}
	}

	/** One transaction's records, the last change of each. */
	private final class Changes implements BeforeCommit.Work {
		final Map<String, Optional<Row>> rows = new LinkedHashMap<>();

		@Override
		public void beforeCommit() {
			write(rows, true);
		}
	}
}
