package uk.childlink.schools.attendance;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.IOException;
import java.io.Reader;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import uk.childlink.access.Caller;
import uk.childlink.identity.InvalidIdentifierException;
import uk.childlink.identity.Upn;
import uk.childlink.schools.imports.Directory;
import uk.childlink.schools.imports.ImportReport;

/**
 * Imports a CSV of daily register marks (one mark per row: school URN, pupil UPN, date, session, code; see
 * {@code docs/school-imports.md}), streaming: rows are gathered into weeks per school and pupil, and at most
 * {@code weeksInMemory} weeks are held before they are written, so memory does not grow with the file. A row that
 * cannot be imported is reported with its line number and the others still go in.
 */
public final class MarksImport {

	/** Totals of one import. */
	public record Result(long rows, long imported, long rejected, int weeksCreated, int weeksUpdated,
			int weeksUnchanged, ImportReport problems) {}

	static final List<String> COLUMNS = List.of("urn", "upn", "date", "session", "code");
	public static final int MAX_LINE = 1000;
	private static final int LOOK_AHEAD = 2_000;
	private static final DateTimeFormatter UK_DATE =
			DateTimeFormatter.ofPattern("dd/MM/uuuu").withResolverStyle(ResolverStyle.STRICT);

	private final Directory directory;
	private final WeekWriter store;
	private final AttendanceCodes codes;
	private final Clock clock;
	private final int weeksInMemory;

	private final Map<String, Gathered> pending = new LinkedHashMap<>();
	private RequestDetails onBehalfOf;
	private Caller caller;
	private final ImportReport problems = new ImportReport();
	private LocalDate lastWeek;
	private long rows;
	private long imported;
	private long rejected;
	private int created;
	private int updated;
	private int unchanged;

	public MarksImport(Directory directory, WeekWriter store, AttendanceCodes codes, Clock clock, int weeksInMemory) {
		this.directory = directory;
		this.store = store;
		this.codes = codes;
		this.clock = clock;
		this.weeksInMemory = weeksInMemory;
	}

	/**
	 * Imports on behalf of the request's caller: a school's own rows only (other schools' rows are rejected, an admin
	 * may send any), written and audited as the caller's.
	 */
	public MarksImport onBehalfOf(RequestDetails request) {
		this.onBehalfOf = request;
		this.caller = Caller.of(request).filter(c -> !c.isAdmin()).orElse(null);
		return this;
	}

	private static final class Gathered {
		final String urn;
		final String patientId;
		final String schoolId;
		final LocalDate monday;
		final long firstLine;
		final AttendanceWeek week = new AttendanceWeek();
		int rows;

		Gathered(String urn, String patientId, String schoolId, LocalDate monday, long firstLine) {
			this.urn = urn;
			this.patientId = patientId;
			this.schoolId = schoolId;
			this.monday = monday;
			this.firstLine = firstLine;
		}
	}

	/**
	 * Reads and imports the whole CSV; {@code progress} hears the number of rows read every 100,000 rows. A file
	 * whose first line is not a header naming the columns is refused (400) before anything is written.
	 */
	public Result run(Reader csv, LongConsumer progress) throws IOException {
		LineReader lines = new LineReader(csv, MAX_LINE);
		int[] columns = header(lines.next());
		LocalDate today = LocalDate.now(clock);
		List<Line> block;
		while (!(block = nextLines(lines)).isEmpty()) {
			directory.rememberPupils(block.stream().map(l -> upnOf(l.fields(), columns)).filter(u -> u != null).toList());
			for (Line line : block) {
				rows++;
				String problem = line.fields() == null
						? "line longer than " + MAX_LINE + " characters"
						: row(line.fields(), columns, line.number(), today);
				if (problem != null) {
					problems.add(line.number(), problem);
					rejected++;
				}
				if (pending.size() >= weeksInMemory) {
					flushBefore(lastWeek);
				}
				if (rows % 100_000 == 0) {
					progress.accept(rows);
				}
			}
		}
		flush();
		return new Result(rows, imported, rejected, created, updated, unchanged, problems);
	}

	/** A line of the file, split into its fields (null when it was too long to read). */
	private record Line(long number, List<String> fields) {}

	/** The next {@value #LOOK_AHEAD} lines that are not blank: their pupils are looked up together. */
	private static List<Line> nextLines(LineReader lines) throws IOException {
		List<Line> block = new ArrayList<>();
		String line;
		while (block.size() < LOOK_AHEAD && (line = lines.next()) != null) {
			if (!line.isBlank()) {
				block.add(new Line(lines.number(), line == LineReader.TOO_LONG ? null : split(line)));
			}
		}
		return block;
	}

	/** The row's UPN, when it has a valid one (the row itself is checked in full later). */
	private static String upnOf(List<String> fields, int[] columns) {
		if (fields == null || fields.size() <= columns[1]) {
			return null;
		}
		try {
			return Upn.parse(fields.get(columns[1]).trim()).value();
		} catch (InvalidIdentifierException e) {
			return null;
		}
	}

	private static int[] header(String line) {
		if (line == null) {
			throw new InvalidRequestException("$import-attendance: the file is empty; expected a header line "
					+ String.join(",", COLUMNS) + " and one row per mark");
		}
		List<String> names = split(line.startsWith("\uFEFF") ? line.substring(1) : line).stream()
				.map(s -> s.trim().toLowerCase(Locale.ROOT))
				.toList();
		int[] columns = new int[COLUMNS.size()];
		List<String> missing = new ArrayList<>();
		for (int i = 0; i < COLUMNS.size(); i++) {
			columns[i] = names.indexOf(COLUMNS.get(i));
			if (columns[i] < 0) {
				missing.add(COLUMNS.get(i));
			}
		}
		if (!missing.isEmpty()) {
			throw new InvalidRequestException("$import-attendance: line 1 must be a header naming the columns "
					+ String.join(",", COLUMNS) + " (any order, other columns ignored); missing: "
					+ String.join(", ", missing));
		}
		return columns;
	}

	/** Gathers one row's mark into its week; returns why it cannot be imported, or null. */
	private String row(List<String> fields, int[] columns, long lineNumber, LocalDate today) {
		int needed = Arrays.stream(columns).max().orElse(0) + 1;
		if (fields.size() < needed) {
			return "expected at least " + needed + " columns, found " + fields.size();
		}
		String urn = fields.get(columns[0]).trim();
		if (!urn.matches("[1-9][0-9]{5}")) {
			return "URN '" + urn + "' is not a school's 6-digit unique reference number";
		}
		Upn upn;
		try {
			upn = Upn.parse(fields.get(columns[1]).trim());
		} catch (InvalidIdentifierException e) {
			return e.getMessage();
		}
		LocalDate date = date(fields.get(columns[2]).trim());
		if (date == null) {
			return "date '" + fields.get(columns[2]).trim() + "' is not a date (YYYY-MM-DD or DD/MM/YYYY)";
		}
		if (date.isAfter(today)) {
			return "date " + date + " is in the future";
		}
		if (!AttendanceWeek.isWeekday(date)) {
			return "date " + date + " is a " + date.getDayOfWeek().toString().toLowerCase(Locale.ROOT)
					+ "; marks are for Monday to Friday";
		}
		Session session = Session.parse(fields.get(columns[3]));
		if (session == null) {
			return "session '" + fields.get(columns[3]).trim() + "' is not AM or PM";
		}
		String code = fields.get(columns[4]).trim();
		if (codes.categoryOf(code).isEmpty()) {
			return "'" + code + "' is not an attendance code (codes: " + codes.list() + ")";
		}
		if (caller != null && !caller.actsFor(Directory.URN_SYSTEM, urn)) {
			return "URN " + urn + " is not your school's (you act for " + caller.organisationText()
					+ "): a school imports its own marks only";
		}
		String schoolId = directory.school(urn);
		if (schoolId == null) {
			return "no school with URN " + urn + " is registered (import a CTF from the school, or create its "
					+ "Organization, first)";
		}
		Directory.Pupil pupil = directory.pupil(upn.value());
		if (pupil.patientId() == null) {
			return pupil.problem();
		}
		LocalDate monday = AttendanceWeek.monday(date);
		lastWeek = monday;
		String key = AttendanceWeek.key(urn, pupil.patientId(), monday);
		Gathered week = pending.computeIfAbsent(key,
				k -> new Gathered(urn, pupil.patientId(), schoolId, monday, lineNumber));
		week.week.set(date, session, code);
		week.rows++;
		return null;
	}

	/**
	 * Writes the weeks gathered before {@code week} (in a file in date order those are complete, and each is written
	 * once), or everything when that would not free half the room (a file in pupil order).
	 */
	private void flushBefore(LocalDate week) {
		long older = week == null ? 0 : pending.values().stream().filter(g -> g.monday.isBefore(week)).count();
		if (older > 0 && older >= weeksInMemory / 2) {
			write(g -> g.monday.isBefore(week));
		} else {
			flush();
		}
	}

	private void flush() {
		write(g -> true);
	}

	private void write(java.util.function.Predicate<Gathered> which) {
		List<WeekStore.Pending> weeks = new ArrayList<>();
		long rowsInWeeks = 0;
		for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
			Map.Entry<String, Gathered> e = it.next();
			Gathered g = e.getValue();
			if (which.test(g)) {
				weeks.add(new WeekStore.Pending(e.getKey(), g.monday, g.patientId, g.schoolId, g.week, g.firstLine,
						g.rows));
				rowsInWeeks += g.rows;
				it.remove();
			}
		}
		if (weeks.isEmpty()) {
			return;
		}
		WeekStore.Outcome outcome = store.write(weeks, onBehalfOf);
		created += outcome.created();
		updated += outcome.updated();
		unchanged += outcome.unchanged();
		imported += rowsInWeeks;
		for (WeekStore.Failure failure : outcome.failures()) {
			problems.add(failure.line(), failure.reason() + " (" + failure.rows() + " marks from line "
					+ failure.line() + " on)");
			imported -= failure.rows();
			rejected += failure.rows();
		}
	}

	/** The Monday of the week of a row's date, or null when the row has no readable date there. */
	public static LocalDate mondayOf(String line, int dateColumn) {
		if (dateColumn < 0 || line.isBlank()) {
			return null;
		}
		List<String> fields = split(line);
		LocalDate date = dateColumn < fields.size() ? date(fields.get(dateColumn).trim()) : null;
		return date == null ? null : AttendanceWeek.monday(date);
	}

	private static LocalDate date(String text) {
		try {
			return text.contains("/") ? LocalDate.parse(text, UK_DATE) : LocalDate.parse(text);
		} catch (DateTimeParseException e) {
			return null;
		}
	}

	/** Splits a CSV line; fields may be quoted ("a, b"), with "" for a quote inside quotes. */
	public static List<String> split(String line) {
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				} else if (c == '"') {
					quoted = false;
				} else {
					field.append(c);
				}
			} else if (c == '"') {
				quoted = true;
			} else if (c == ',') {
				fields.add(field.toString());
				field.setLength(0);
			} else {
				field.append(c);
			}
		}
		fields.add(field.toString());
		return fields;
	}
}
