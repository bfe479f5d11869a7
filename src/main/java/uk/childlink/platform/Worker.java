package uk.childlink.platform;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background thread of one server process that works through work kept in the database (an outbox): it looks when
 * told that a write of this process committed work ({@link #wakeUp}) and every {@code poll} besides, for work written
 * by other processes, left by a crash, or waiting after a failure. Each look calls {@code step} until it says that
 * nothing more is due; a look that fails (the database away, say) is logged and tried again at the next poll, the work
 * waiting in the database meanwhile.
 */
public final class Worker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Worker.class);

	private final String work;
	private final Duration poll;
	private final Runnable beforeEachLook;
	private final BooleanSupplier step;
	private final Semaphore wakeUp = new Semaphore(0);
	private final Thread thread;
	private volatile boolean stopping;

	/**
	 * @param work what is worked through, for the thread's name and the log ("absence flags owed")
	 * @param beforeEachLook run first at each look (a daily check, say)
	 * @param step does one piece of work in its own transaction; false when none was due
	 */
	public Worker(String work, Duration poll, Runnable beforeEachLook, BooleanSupplier step) {
		this.work = work;
		this.poll = poll;
		this.beforeEachLook = beforeEachLook;
		this.step = step;
		this.thread = new Thread(this::run, "childlink-" + work.replace(' ', '-'));
		thread.setDaemon(true);
	}

	public synchronized void start() {
		if (thread.getState() == Thread.State.NEW) {
			thread.start();
		}
	}

	/** A write of this process committed work: look now rather than at the next poll. */
	public void wakeUp() {
		wakeUp.release();
	}

	private void run() {
		while (!stopping) {
			try {
				beforeEachLook.run();
				while (!stopping && step.getAsBoolean()) {
					// until nothing is due
				}
			} catch (RuntimeException e) {
				log.warn("Could not work through the {}; trying again in {}", work, poll, e);
			}
			try {
				wakeUp.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
				wakeUp.drainPermits();
			} catch (InterruptedException e) {
				return;
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		stopping = true;
		thread.interrupt();
		thread.join(10_000);
	}
}
