package uk.childlink.platform;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Gives the start-up's garbage back to the system once the server is ready. Start-up (reading every profile and code
 * system, generating snapshots, compiling the checker, HAPI's own wiring) leaves the heap about 500 MB committed
 * for a live set of about 300 MB; G1 returns the difference only after a full collection, and its periodic
 * collection (15 s idle) is concurrent and often returns none of it. One full collection here, before the server
 * reports ready, takes a few hundred milliseconds on two cores and brings resident memory from about 1.0 to about
 * 0.8 GB (issue 18; docs/performance.md). Not done for plain HAPI, the benchmark's baseline of HAPI's defaults.
 */
@Component
final class StartupGarbage {

	private static final Logger log = LoggerFactory.getLogger(StartupGarbage.class);

	private final boolean plainHapi;

	StartupGarbage(Environment environment) {
		this.plainHapi = PlainHapi.on(environment);
	}

	@EventListener(ApplicationReadyEvent.class)
	public void collect() {
		if (plainHapi) {
			return;
		}
		MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		long started = System.nanoTime();
		System.gc(); // (a no-op under -XX:+DisableExplicitGC, which an operator may choose)
		MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		log.info("Start-up garbage collected in {} ms: heap {} MB committed ({} MB before), {} MB in use",
				(System.nanoTime() - started) / 1_000_000, after.getCommitted() >> 20, before.getCommitted() >> 20,
				after.getUsed() >> 20);
	}
}
