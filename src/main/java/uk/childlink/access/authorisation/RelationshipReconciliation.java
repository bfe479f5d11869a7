package uk.childlink.access.authorisation;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the writes cannot do themselves, on a schedule ({@code childlink.access.relationship-check}), in any server
 * process (each step is safe to run twice): end the relationships whose day has passed (a school's last attendance
 * record two years ago), bring the access grants of those children in step, and repair any child whose grants and
 * relationships disagree. The relationships are checked to the day when a record is read, so this only keeps the
 * search narrowing tight. On a database that held children before relationships were stored, it first works out every
 * child's.
 */
final class RelationshipReconciliation implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RelationshipReconciliation.class);
	private static final int BATCH = 500;

	private final RelationshipStore store;
	private final RelationshipMaintenance maintenance;
	private final AccessGrants grants;
	private final TransactionTemplate transactions;
	private final JdbcTemplate sql;
	private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
		Thread thread = new Thread(task, "childlink-relationships");
		thread.setDaemon(true);
		return thread;
	});

	RelationshipReconciliation(RelationshipStore store, RelationshipMaintenance maintenance, AccessGrants grants,
			PlatformTransactionManager transactions, DataSource dataSource) {
		this.store = store;
		this.maintenance = maintenance;
		this.grants = grants;
		this.transactions = new TransactionTemplate(transactions);
		this.sql = new JdbcTemplate(dataSource);
	}

	void start(Duration every) {
		schedule.scheduleWithFixedDelay(this::runQuietly, 5_000, every.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void runQuietly() {
		try {
			run();
		} catch (RuntimeException e) {
			log.warn("Relationship check failed; it runs again at its next time", e);
		}
	}

	/** One pass: the first work-out if needed, the ended relationships, the children out of step. */
	void run() {
		if (store.backfillPending()) {
			workOutEveryChild();
			store.backfillDone();
		}
		Set<String> ended = transactions.execute(status -> store.endExpired());
		ended.forEach(child -> transactions.executeWithoutResult(status -> grants.sync(child)));
		for (Set<String> outOfStep = store.childrenOutOfStep(BATCH); !outOfStep.isEmpty();
				outOfStep = store.childrenOutOfStep(BATCH)) {
			outOfStep.forEach(child -> transactions.executeWithoutResult(status -> grants.sync(child)));
			if (outOfStep.size() < BATCH) {
				break;
			}
		}
	}

	private void workOutEveryChild() {
		long start = System.nanoTime();
		long done = 0;
		for (long after = 0; ; ) {
			List<Long> batch = sql.queryForList("SELECT res_id FROM hfj_resource WHERE res_type = 'Patient' "
					+ "AND res_deleted_at IS NULL AND res_id > ? ORDER BY res_id LIMIT " + BATCH, Long.class, after);
			if (batch.isEmpty()) {
				break;
			}
			for (Long pid : batch) {
				String child = sql.queryForObject("SELECT fhir_id FROM hfj_resource WHERE res_id = ?", String.class, pid);
				transactions.executeWithoutResult(status -> maintenance.workOut(child));
				done++;
			}
			after = batch.get(batch.size() - 1);
		}
		if (done > 0) {
			log.info("Relationships worked out for {} children in {} s", done, (System.nanoTime() - start) / 1_000_000_000);
		}
	}

	@Override
	public void close() {
		schedule.shutdownNow();
	}
}
