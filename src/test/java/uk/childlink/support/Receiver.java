package uk.childlink.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A subscriber's endpoint for the tests: a real HTTP server on 127.0.0.1 that records what each path is sent (the
 * Authorization header and the body) and answers 200, or the status set for the path; a path starting {@code /slow}
 * answers after 20 s.
 */
public final class Receiver implements AutoCloseable {

	private final HttpServer server;
	private final ExecutorService threads = Executors.newFixedThreadPool(8);
	private final Map<String, ConcurrentLinkedQueue<String>> received = new ConcurrentHashMap<>();
	private final Map<String, Integer> answers = new ConcurrentHashMap<>();

	public Receiver() {
		try {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		server.setExecutor(threads);
		server.createContext("/", exchange -> {
			String path = exchange.getRequestURI().getPath();
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			received.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>())
					.add("auth:" + exchange.getRequestHeaders().getFirst("Authorization") + "\n" + body);
			if (path.startsWith("/slow")) {
				try {
					Thread.sleep(20_000);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
			exchange.sendResponseHeaders(answers.getOrDefault(path, 200), -1);
			exchange.close();
		});
		server.start();
	}

	/** The endpoint URL of a path. */
	public String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	/** What the path was sent, oldest first: {@code auth:<Authorization header>\n<body>} each. */
	public List<String> received(String path) {
		return List.copyOf(received.getOrDefault(path, new ConcurrentLinkedQueue<>()));
	}

	/** The path answers {@code status} from now on. */
	public void answer(String path, int status) {
		answers.put(path, status);
	}

	/** Waits (up to {@code timeout}) until the path has been sent something {@code wanted}; returns the first such. */
	public String await(String path, Predicate<String> wanted, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (String sent : received(path)) {
				if (wanted.test(sent)) {
					return sent;
				}
			}
			try {
				Thread.sleep(100);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
		}
		throw new AssertionError(path + " was not sent what was awaited within " + timeout.toSeconds() + " s; it was sent "
				+ received(path).size() + " requests");
	}

	@Override
	public void close() {
		server.stop(0);
		threads.shutdownNow();
	}
}
