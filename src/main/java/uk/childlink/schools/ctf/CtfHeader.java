package uk.childlink.schools.ctf;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The parts of a CTF header ChildLink uses; {@link #of} refuses a header it cannot work with. */
record CtfHeader(String version, String documentName, LocalDate asOf, String sourceLea, String sourceEstab,
		String sourceUrn, String sourceName) {

	static final String SUPPORTED_MAJOR = "24";

	/** The header, or a {@link CtfReader.BadFile} saying why the file cannot be imported. */
	static CtfHeader of(Node header, LocalDate today) throws CtfReader.BadFile {
		String version = header.firstText("CTFversion");
		if (version == null) {
			throw new CtfReader.BadFile("the header has no <CTFversion>; this server reads CTF " + SUPPORTED_MAJOR
					+ " (24.0)", header.line);
		}
		if (!version.equals(SUPPORTED_MAJOR) && !version.startsWith(SUPPORTED_MAJOR + ".")) {
			throw new CtfReader.BadFile("CTF version " + version + " is not supported; this server reads CTF "
					+ SUPPORTED_MAJOR + " (in force from September 2024): ask the MIS for a CTF 24 export", header.line);
		}
		Node source = header.child("SourceSchool");
		String urn = source == null ? null : source.text("URN");
		if (urn == null || !urn.matches("[1-9][0-9]{5}")) {
			throw new CtfReader.BadFile("the header's <SourceSchool> has no valid <URN> (6 digits), found "
					+ (urn == null ? "none" : "'" + urn + "'") + ": the sending school must be known", header.line);
		}
		String dateTime = header.text("DateTime");
		if (dateTime == null) {
			throw new CtfReader.BadFile("the header has no <DateTime>: the date the file was made dates what it says "
					+ "(looked after since, attendance up to)", header.line);
		}
		LocalDate asOf;
		try {
			asOf = LocalDate.parse(dateTime.length() >= 10 ? dateTime.substring(0, 10) : dateTime);
		} catch (DateTimeParseException e) {
			throw new CtfReader.BadFile("the header's <DateTime> '" + dateTime + "' is not a date and time", header.line);
		}
		if (asOf.isAfter(today)) {
			throw new CtfReader.BadFile("the header's <DateTime> " + dateTime + " is in the future", header.line);
		}
		return new CtfHeader(version, header.text("DocumentName"), asOf, source.text("LEA"), source.text("Estab"), urn,
				source.text("SchoolName"));
	}
}
