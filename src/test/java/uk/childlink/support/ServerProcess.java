package uk.childlink.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server jar run as its own process, the way a user runs it: for what one shared in-JVM server
 * cannot show (restarts, the database going away).
 */
public final class ServerProcess implements AutoCloseable {

	private final Process process;
	private final int port;
	private final Path log;

	private ServerProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/** Starts {@code java -jar childlink.jar} with its data in {@code dataDir}, and waits until it is ready. */
	public static ServerProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
		return start(dataDir, Map.of(), extraArgs);
	}

	/** As {@link #start(Path, String...)}, with extra environment variables (as an operator would set them). */
	public static ServerProcess start(Path dataDir, Map<String, String> environment, String... extraArgs)
			throws IOException, InterruptedException {
		Path jar = Paths.get(System.getProperty("childlink.jar", "target/childlink.jar")).toAbsolutePath();
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No server jar at " + jar + ": run the tests with mvn verify");
		}
		Tokens.install(dataDir); // the tests' key as its development issuer's
		int port = freePort();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx768m", "-XX:-OmitStackTraceInFastThrow", "-jar", jar.toString(),
				"--server.port=" + port, "--childlink.server.data-dir=" + dataDir.toAbsolutePath()));
		command.addAll(List.of(extraArgs));
		Path log = Files.createTempFile(Files.createDirectories(Paths.get("target", "it-logs")), "server-", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		ServerProcess server = new ServerProcess(process, port, log);
		try {
			server.awaitReadiness(200, Duration.ofSeconds(180));
		} catch (RuntimeException | InterruptedException e) {
			process.destroyForcibly(); // a server that never got ready must not outlive the test
			throw e;
		}
		return server;
	}

	public int port() {
		return port;
	}

	/** Everything the server has logged so far. */
	public String log() throws IOException {
		return Files.readString(log);
	}

	/** Raw HTTP acting as an admin. */
	public RawHttp http() {
		return http(Tokens.admin());
	}

	/** Raw HTTP sending {@code token}. */
	public RawHttp http(String token) {
		return new RawHttp("localhost", port).withToken(token);
	}

	/** A FHIR client acting as an admin. */
	public ca.uhn.fhir.rest.client.api.IGenericClient client(ca.uhn.fhir.context.FhirContext fhir) {
		return Tokens.as(fhir.newRestfulGenericClient(baseUrl()), Tokens.admin());
	}

	public String baseUrl() {
		return "http://localhost:" + port + "/fhir";
	}

	/** Polls the readiness probe until it answers {@code status}, or fails after {@code timeout}. */
	public void awaitReadiness(int status, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int last = -1;
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Server exited with " + process.exitValue() + "; see " + log);
			}
			try {
				// without a token: a token the server does not trust is refused even on a public endpoint
				last = new RawHttp("localhost", port).get("/actuator/health/readiness", "application/json").status();
				if (last == status) {
					return;
				}
			} catch (UncheckedIOException notListeningYet) {
				// keep polling
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("Readiness was " + last + ", not " + status + ", after " + timeout + "; see " + log);
	}

	/** Kills the server outright (SIGKILL), as a crash or an impatient IDE would: nothing gets to clean up. */
	public void kill() throws InterruptedException {
		process.destroyForcibly().waitFor();
	}

	/** Stops the server as an operator would (SIGTERM), waiting for a graceful shutdown. */
	@Override
	public void close() throws InterruptedException {
		if (!process.isAlive()) {
			return;
		}
		process.destroy();
		if (!process.waitFor(90, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
			throw new IllegalStateException("Server did not stop within 90 s; see " + log);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
