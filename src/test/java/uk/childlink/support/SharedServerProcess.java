package uk.childlink.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One server process of the packaged jar, on a fresh data directory, shared by the test classes that ask for it
 * (a {@link ServerProcess} parameter of a {@code @BeforeAll} method) and stopped at the end of the run: for tests that
 * fill the database with what the shared in-JVM server's other tests must not meet (the FHIR example corpus, generated
 * hostile input), and that read the server's own log.
 */
public final class SharedServerProcess implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServerProcess.class);

	private record Running(ServerProcess server) implements ExtensionContext.Store.CloseableResource {
		@Override
		public void close() throws InterruptedException {
			server.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == ServerProcess.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server", key -> start(), Running.class)
				.server();
	}

	private static Running start() {
		try {
			Path dataDir = Files.createTempDirectory(Files.createDirectories(Paths.get("target", "it-data")), "shared-process-");
			return new Running(ServerProcess.start(dataDir));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
