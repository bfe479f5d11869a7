package uk.childlink.schools.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.schools.attendance.LineReader;
import uk.childlink.schools.attendance.MarksImport;
import uk.childlink.platform.CommandLine;
import uk.childlink.schools.imports.ImportReport;

/**
 * The importers on the command line, as subcommands of the server jar (no server is started):
 *
 * <pre>
 * java -jar childlink.jar import-ctf FILE [--server URL] [--token TOKEN]
 * java -jar childlink.jar import-attendance FILE [--server URL] [--token TOKEN] [--rows-per-request N]
 * </pre>
 *
 * A CTF is sent whole to {@code $import-ctf} and the per-pupil report printed. A marks CSV is read as a stream and
 * sent to {@code $import-attendance} in parts of {@code N} rows (so any size of file goes, in bounded memory on both
 * sides), with progress after each part, a summary and the rejected rows with their line numbers in the file. Exit
 * status: 0 everything imported, 1 some pupils or rows rejected, 2 the file or the server could not be used.
 */
public final class ImportCommand {

	/** This command for the jar's entry point ({@link CommandLine}). */
	public static final class Line implements CommandLine {
		@Override
		public boolean handles(String[] args) {
			return isImport(args);
		}

		@Override
		public int run(String[] args, PrintStream out, PrintStream err) {
			return ImportCommand.run(args, out, err);
		}
	}


	static final String DEFAULT_SERVER = "http://localhost:8080/fhir";
	static final int DEFAULT_ROWS_PER_REQUEST = 50_000;

	private final PrintStream out;
	private final PrintStream err;
	private String token; // the bearer token sent with each request (--token, or CHILDLINK_TOKEN)
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	private final FhirContext fhir = FhirContext.forR4Cached();

	private ImportCommand(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** Whether the arguments ask for an import (rather than the server). */
	public static boolean isImport(String[] args) {
		return args.length > 0 && (args[0].equals("import-ctf") || args[0].equals("import-attendance"));
	}

	/** Runs the subcommand; returns the exit status. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return new ImportCommand(out, err).run(args);
	}

	private int run(String[] args) {
		String file = null;
		String server = DEFAULT_SERVER;
		token = System.getenv("CHILDLINK_TOKEN");
		int rowsPerRequest = DEFAULT_ROWS_PER_REQUEST;
		for (int i = 1; i < args.length; i++) {
			switch (args[i]) {
				case "--server" -> server = i + 1 < args.length ? args[++i] : null;
				case "--token" -> token = i + 1 < args.length ? args[++i] : null;
				case "--rows-per-request" -> rowsPerRequest = i + 1 < args.length ? parsePositive(args[++i]) : -1;
				case "--help", "-h" -> {
					return usage(0);
				}
				default -> {
					if (file != null || args[i].startsWith("--")) {
						err.println("unexpected argument: " + args[i]);
						return usage(2);
					}
					file = args[i];
				}
			}
		}
		if (file == null || server == null || rowsPerRequest <= 0) {
			return usage(2);
		}
		Path path = Path.of(file);
		if (!Files.isReadable(path)) {
			err.println("cannot read " + path.toAbsolutePath());
			return 2;
		}
		String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
		try {
			return args[0].equals("import-ctf") ? ctf(path, base) : attendance(path, base, rowsPerRequest);
		} catch (ConnectException e) {
			err.println("cannot reach the server at " + base + " (" + e.getMessage() + "): is it running? "
					+ "Give its FHIR base with --server");
			return 2;
		} catch (IOException e) {
			err.println("import failed: " + e);
			return 2;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return 2;
		}
	}

	private HttpRequest.Builder authorised(HttpRequest.Builder request) {
		return token == null || token.isBlank() ? request : request.header("Authorization", "Bearer " + token.strip());
	}

	private int usage(int status) {
		(status == 0 ? out : err).println("""
				usage: java -jar childlink.jar import-ctf FILE [--server URL] [--token TOKEN]
				       java -jar childlink.jar import-attendance FILE [--server URL] [--token TOKEN] [--rows-per-request N]
				  --server URL            the server's FHIR base (default %s)
				  --token TOKEN           the bearer token to send (default: the CHILDLINK_TOKEN environment variable)
				  --rows-per-request N    attendance rows sent per request (default %d)
				exit status: 0 all imported, 1 some pupils or rows rejected, 2 the file or the server could not be used"""
				.formatted(DEFAULT_SERVER, DEFAULT_ROWS_PER_REQUEST));
		return status;
	}

	private static int parsePositive(String text) {
		try {
			return Integer.parseInt(text);
		} catch (NumberFormatException e) {
			return -1;
		}
	}

	private int ctf(Path file, String base) throws IOException, InterruptedException {
		long started = System.nanoTime();
		out.printf(Locale.UK, "sending %s (%,d bytes) to %s/$import-ctf%n", file, Files.size(file), base);
		HttpResponse<String> response = http.send(authorised(HttpRequest.newBuilder(URI.create(base + "/$import-ctf")))
				.header("Content-Type", "application/xml")
				.header("Accept", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofFile(file))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		if (response.statusCode() != 200) {
			return refused(response);
		}
		Parameters report = fhir.newJsonParser().parseResource(Parameters.class, response.body());
		for (Parameters.ParametersParameterComponent pupil : report.getParameter()) {
			if (!pupil.getName().equals("pupil")) {
				continue;
			}
			StringBuilder line = new StringBuilder();
			List<String> messages = new ArrayList<>();
			for (Parameters.ParametersParameterComponent part : pupil.getPart()) {
				switch (part.getName()) {
					case "line" -> line.append(String.format(Locale.UK, "line %-6s", part.getValue().primitiveValue()));
					case "upn" -> line.append(String.format("%-14s", part.getValue().primitiveValue()));
					case "outcome" -> line.append(String.format("%-10s", part.getValue().primitiveValue()));
					case "child" -> line.append(((Reference) part.getValue()).getReference());
					case "message" -> messages.add(part.getValue().primitiveValue());
					default -> {
						// reported above
					}
				}
			}
			out.println(line.toString().stripTrailing());
			messages.forEach(m -> out.println("    " + m));
		}
		int rejected = number(report, "rejected");
		out.printf(Locale.UK, "%,d created, %,d updated, %,d unchanged, %,d rejected in %.1f s%n",
				number(report, "created"), number(report, "updated"), number(report, "unchanged"), rejected,
				(System.nanoTime() - started) / 1e9);
		return rejected > 0 ? 1 : 0;
	}

	private int attendance(Path file, String base, int rowsPerRequest) throws IOException, InterruptedException {
		long size = Files.size(file);
		long started = System.nanoTime();
		out.printf(Locale.UK, "sending %s (%,d bytes) to %s/$import-attendance, %,d rows per request%n", file, size, base,
				rowsPerRequest);
		Totals totals = new Totals();
		CountingStream counting = new CountingStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
		try (Reader csv = new InputStreamReader(counting, StandardCharsets.UTF_8)) {
			LineReader lines = new LineReader(csv, MarksImport.MAX_LINE);
			String header = lines.next();
			if (header == null) {
				err.println(file + " is empty");
				return 2;
			}
			int dateColumn = MarksImport.split(header).stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList()
					.indexOf("date");
			ByteArrayOutputStream part = new ByteArrayOutputStream();
			long partFirstLine = 0;
			int partRows = 0;
			LocalDate partWeek = null;
			String line;
			while ((line = lines.next()) != null) {
				if (line == LineReader.TOO_LONG) {
					totals.rows++;
					totals.rejected++;
					totals.error(lines.number(), "line longer than " + MarksImport.MAX_LINE + " characters");
					line = ""; // keeps the server's line numbers in step with the file's
				}
				// a part ends after rowsPerRequest rows where the week changes, so that in a file in date order (as
				// daily exports are) each week goes in one request and is written once; at twice that whatever
				LocalDate week = MarksImport.mondayOf(line, dateColumn);
				if (partRows >= rowsPerRequest
						&& (partRows >= 2 * rowsPerRequest || week == null || !week.equals(partWeek))) {
					int status = send(base, part.toByteArray(), partFirstLine, totals);
					if (status != 0) {
						return status;
					}
					progress(totals, counting.bytes, size, started);
					partRows = 0;
				}
				if (partRows == 0) {
					part.reset();
					part.writeBytes((header + "\n").getBytes(StandardCharsets.UTF_8));
					partFirstLine = lines.number();
				}
				part.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
				partRows++;
				partWeek = week != null ? week : partWeek;
			}
			if (partRows > 0) {
				int status = send(base, part.toByteArray(), partFirstLine, totals);
				if (status != 0) {
					return status;
				}
				progress(totals, counting.bytes, size, started);
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		out.printf(Locale.UK, "%,d rows: %,d imported, %,d rejected; weeks %,d created, %,d updated, %,d unchanged; "
						+ "%.1f s (%,.0f rows/s)%n", totals.rows, totals.imported, totals.rejected, totals.created,
				totals.updated, totals.unchanged, seconds, totals.rows / Math.max(seconds, 1e-9));
		for (ImportReport.Problem problem : totals.errors.listed()) {
			out.println("line " + problem.line() + ": " + problem.reason());
		}
		if (totals.errors.notListed() > 0) {
			out.printf(Locale.UK, "... and %,d more rejected rows%n", totals.errors.notListed());
		}
		return totals.rejected > 0 ? 1 : 0;
	}

	private void progress(Totals totals, long bytesRead, long size, long started) {
		out.printf(Locale.UK, "%,12d rows (%3d%%)  imported %,d  rejected %,d  %,.0f rows/s%n", totals.rows,
				size == 0 ? 100 : Math.min(100, bytesRead * 100 / size), totals.imported, totals.rejected,
				totals.rows / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
	}

	/** Sends one part; its line numbers are the server's (header = 1) mapped back to the file's. */
	private int send(String base, byte[] csv, long firstLine, Totals totals) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(authorised(HttpRequest.newBuilder(URI.create(base + "/$import-attendance")))
				.header("Content-Type", "text/csv; charset=utf-8")
				.header("Accept", "application/fhir+json")
				.timeout(Duration.ofMinutes(30))
				.POST(HttpRequest.BodyPublishers.ofByteArray(csv))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		if (response.statusCode() != 200) {
			return refused(response);
		}
		Parameters report = fhir.newJsonParser().parseResource(Parameters.class, response.body());
		totals.rows += number(report, "rows");
		totals.imported += number(report, "imported");
		totals.rejected += number(report, "rejected");
		totals.created += number(report, "weeksCreated");
		totals.updated += number(report, "weeksUpdated");
		totals.unchanged += number(report, "weeksUnchanged");
		for (Parameters.ParametersParameterComponent error : report.getParameter()) {
			if (error.getName().equals("error")) {
				long serverLine = ((IntegerType) error.getPart().get(0).getValue()).getValue();
				String reason = error.getPart().get(1).getValue().primitiveValue();
				if (!reason.startsWith("line longer than")) {
					totals.error(firstLine + serverLine - 2, reason);
				}
			}
		}
		if (report.getParameter("errorsNotListed") != null) {
			totals.errors.addUnlisted(number(report, "errorsNotListed"));
		}
		return 0;
	}

	private int refused(HttpResponse<String> response) {
		String detail = response.body();
		try {
			IBaseResource resource = fhir.newJsonParser().parseResource(response.body());
			if (resource instanceof OperationOutcome outcome) {
				detail = String.join("\n", outcome.getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics).toList());
			}
		} catch (RuntimeException notFhir) {
			// print the body as it came
		}
		err.println("the server refused the file (HTTP " + response.statusCode() + "):\n" + detail);
		return 2;
	}

	private static int number(Parameters report, String name) {
		return report.getParameter(name) == null ? 0 : ((IntegerType) report.getParameter(name).getValue()).getValue();
	}

	private static final class Totals {
		long rows;
		long imported;
		long rejected;
		long created;
		long updated;
		long unchanged;
		final ImportReport errors = new ImportReport();

		void error(long line, String reason) {
			errors.add(line, reason);
		}
	}

	/** The file's bytes, counted as they are read, for the progress percentage. */
	private static final class CountingStream extends FilterInputStream {
		long bytes;

		CountingStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			bytes += b < 0 ? 0 : 1;
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			bytes += Math.max(n, 0);
			return n;
		}
	}
}
