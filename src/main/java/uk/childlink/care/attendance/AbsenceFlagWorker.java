package uk.childlink.care.attendance;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import uk.childlink.platform.Worker;

/**
 * Works through the absence flags owed ({@link FlagWork}) in this server process ({@link Worker}), one child per
 * transaction: the flag's new version and the removal of the work commit together. Once a
 * day (its first look after midnight, UK time, in whichever process gets there first) it adds every child with
 * attendance records, so that each school year starts the flags afresh and anything ever missed is repaired.
 */
final class AbsenceFlagWorker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AbsenceFlagWorker.class);

	private final FlagWork work;
	private final AbsenceFlags flags;
	private final TransactionTemplate transactions;
	private final Clock clock;
	private final Worker worker;
	private LocalDate checked;

	AbsenceFlagWorker(FlagWork work, AbsenceFlags flags, PlatformTransactionManager transactions, Clock clock,
			Duration poll) {
		this.work = work;
		this.flags = flags;
		this.transactions = new TransactionTemplate(transactions);
		this.clock = clock;
		this.worker = new Worker("absence flags owed", poll, this::checkDaily, this::workOne);
	}

	void start() {
		worker.start();
	}

	/** A write of this process committed work: look now rather than at the next poll. */
	void wakeUp() {
		worker.wakeUp();
	}

	/** Brings the next child due up to date; false when none is due. */
	private boolean workOne() {
		String[] child = new String[1];
		try {
			return Boolean.TRUE.equals(transactions.execute(status -> {
				Optional<String> next = work.next();
				if (next.isEmpty()) {
					return false;
				}
				child[0] = next.get();
				flags.refresh(new IdType(child[0]));
				work.done(child[0]);
				return true;
			}));
		} catch (RuntimeException e) {
			if (child[0] == null) {
				throw e;
			}
			log.warn("Could not bring the absence flag of {} up to date; it is tried again later", child[0], e);
			transactions.executeWithoutResult(status -> work.failed(child[0]));
			return true;
		}
	}

	private void checkDaily() {
		LocalDate today = LocalDate.now(clock);
		if (today.equals(checked)) {
			return;
		}
		if (work.claimCheck(today)) {
			long start = System.nanoTime();
			long added = work.addEveryChildWithRecords();
			log.info("Daily check of the absence flags: {} children with attendance records queued in {} ms", added,
					(System.nanoTime() - start) / 1_000_000);
		}
		checked = today;
	}

	@Override
	public void close() throws InterruptedException {
		worker.close();
	}
}
