package uk.childlink.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for what the server does in the background (signals, flags): asks again every 200 ms until done or timed out. */
public final class Eventually {

	private Eventually() {}

	/** The first answer of {@code probe} that is {@code done}; the last answer when {@code timeout} passes first. */
	public static <T> T poll(Supplier<T> probe, Predicate<T> done, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T last = probe.get();
		while (!done.test(last) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(200);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
			last = probe.get();
		}
		return last;
	}
}
