package uk.childlink.platform.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL runs as its own process. If ChildLink is killed outright (SIGKILL, a crashed IDE), it
 * keeps running and holds the data directory, and the next start would fail. Before starting, this stops such an
 * orphan, but only when no live ChildLink holds the data directory (the embedded database's lock file is free).
 */
final class OrphanedPostgres {

	private static final Logger log = LoggerFactory.getLogger(OrphanedPostgres.class);
	/** The lock file zonky's EmbeddedPostgres holds while a server owns the directory. */
	private static final String OWNER_LOCK = "epg-lock";

	private OrphanedPostgres() {}

	static void stopIfLeftRunning(Path dataDir) {
		Path pidFile = dataDir.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		try (FileChannel channel = FileChannel.open(dataDir.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.tryLock()) {
			if (lock == null) {
				return; // a live server owns the directory; starting will report that clearly
			}
			postmaster(pidFile, dataDir).ifPresent(orphan -> stop(orphan, dataDir));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The live postgres process serving {@code dataDir}; a stale pid now used by another process is ignored. */
	private static Optional<ProcessHandle> postmaster(Path pidFile, Path dataDir) throws IOException {
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
			return Optional.empty();
		}
		return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
				.filter(ProcessHandle::isAlive)
				.filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
				.filter(p -> p.info().arguments().map(List::of).map(args -> args.contains(dataDir.toString())).orElse(false));
	}

	private static void stop(ProcessHandle orphan, Path dataDir) {
		log.warn("An embedded PostgreSQL (pid {}) left running by an earlier ChildLink that did not shut down still "
				+ "holds {}; stopping it", orphan.pid(), dataDir);
		orphan.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with the old server
		try {
			orphan.onExit().get(60, TimeUnit.SECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while stopping the orphaned PostgreSQL " + orphan.pid(), e);
		} catch (ExecutionException | TimeoutException e) {
			throw new IllegalStateException("The orphaned PostgreSQL (pid " + orphan.pid() + ") holding " + dataDir
					+ " did not stop within 60 s; stop it by hand", e);
		}
	}
}
