package uk.childlink.schools.imports;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads both importers write with, shared by every import in progress ({@code childlink.schools.workers}), so
 * that concurrent imports cannot multiply the server's threads and database connections. A task never waits for
 * another task here (callers wait, from their own request threads), so sharing cannot deadlock.
 */
public final class ImportWorkers implements AutoCloseable {

	private final ExecutorService pool;
	private final int threads;

	public ImportWorkers(int threads) {
		this.threads = threads;
		AtomicInteger count = new AtomicInteger();
		this.pool = Executors.newFixedThreadPool(threads, task -> {
			Thread thread = new Thread(task, "school-import-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	public <T> Future<T> submit(Callable<T> task) {
		return pool.submit(task);
	}

	/** How many tasks run at once: a caller keeps about twice this many in flight. */
	public int threads() {
		return threads;
	}

	@Override
	public void close() {
		pool.shutdownNow();
	}
}
