package uk.childlink.schools.ctf;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import uk.childlink.schools.attendance.AttendanceWeek;

/**
 * Sorts a CTF pupil's attendance into register marks (as weeks) and yearly totals, checking each; other schools'
 * years are noted, not imported (the CTF gives no URN for them).
 */
final class PupilAttendance {

	private final CtfMapping mapping;

	PupilAttendance(CtfMapping mapping) {
		this.mapping = mapping;
	}

	/** Sorts the pupil's attendance into marks (as weeks) and totals; other schools' years are noted, not imported. */
	void sort(CtfPupil p, CtfHeader header, LocalDate today, Map<LocalDate, AttendanceWeek> marked,
			List<CtfPupil.YearData> totals, List<String> problems, List<String> notes) {
		for (CtfPupil.YearData year : p.attendance()) {
			String what = "Attendance YearData (line " + year.line() + ")";
			if (year.lea() != null && year.estab() != null && header.sourceLea() != null && header.sourceEstab() != null
					&& !(year.lea() + year.estab()).equals(header.sourceLea() + header.sourceEstab())) {
				notes.add(what + " at school " + year.lea() + "/" + year.estab() + " not imported: only the sending "
						+ "school's attendance is (the CTF gives no URN for the others)");
				continue;
			}
			if (year.marks() != null) {
				if (year.start() == null) {
					problems.add(what + ": AttendanceMarks without an AttendanceStartDate");
					continue;
				}
				mapping.weeks(year.marks(), year.start(), today, what, problems)
						.forEach((monday, week) -> marked.merge(monday, week, AttendanceWeek::overlaidWith));
			} else if (year.possible() != null) {
				if (year.year() == null || !year.year().matches("\\d{4}.*")) {
					problems.add(what + ": Year '" + year.year() + "' does not start with the school year's first year");
				} else if (year.attended() == null || year.authorised() == null || year.unauthorised() == null) {
					problems.add(what + ": SessionsAttended, SessionsAuthorised and SessionsUnauthorised are needed "
							+ "with SessionsPossible");
				} else if ((year.start() != null ? year.start() : LocalDate.of(Integer.parseInt(year.year().substring(0, 4)),
						9, 1)).isAfter(header.asOf())) {
					problems.add(what + ": the year starts after the file's date (" + header.asOf() + ")");
				} else if (year.attended() + year.authorised() + year.unauthorised() != year.possible()) {
					problems.add(what + ": sessions attended (" + year.attended() + "), authorised (" + year.authorised()
							+ ") and unauthorised (" + year.unauthorised() + ") do not add up to the sessions possible ("
							+ year.possible() + ")");
				} else {
					totals.add(year);
				}
			}
		}
	}
}
