package uk.childlink.platform;

import java.io.PrintStream;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A command of the jar other than the server ({@code java -jar childlink.jar token ...}): each module lists its own in
 * {@code META-INF/services/uk.childlink.platform.CommandLine}, so the application's entry point names none of them.
 */
public interface CommandLine {

	/** Whether {@code args} ask for this command (its name first). */
	boolean handles(String[] args);

	/** Runs it; returns the exit code. */
	int run(String[] args, PrintStream out, PrintStream err);

	/** The command {@code args} ask for, if any. */
	static Optional<CommandLine> of(String[] args) {
		return ServiceLoader.load(CommandLine.class).stream().map(ServiceLoader.Provider::get)
				.filter(command -> command.handles(args)).findFirst();
	}
}
