package uk.childlink.identity;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Fires the same write from many threads at the same instant and collects what each client was told. */
final class ConcurrentWrites {

	/** What one client got: the HTTP status and, on success, the id it was pointed at. */
	record Result(int status, String id, boolean created) {}

	private ConcurrentWrites() {}

	static List<Result> run(int clients, IntFunction<MethodOutcome> write) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Result>> futures = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				int client = i;
				Callable<Result> task = () -> {
					start.await();
					try {
						MethodOutcome outcome = write.apply(client);
						boolean created = Boolean.TRUE.equals(outcome.getCreated());
						return new Result(created ? 201 : 200, outcome.getId().toUnqualifiedVersionless().getIdPart(), created);
					} catch (BaseServerResponseException e) {
						return new Result(e.getStatusCode(), null, false);
					}
				};
				futures.add(pool.submit(task));
			}
			start.countDown();
			List<Result> results = new ArrayList<>();
			for (Future<Result> f : futures) {
				results.add(f.get(120, TimeUnit.SECONDS));
			}
			return results;
		} finally {
			pool.shutdownNow();
		}
	}
}
