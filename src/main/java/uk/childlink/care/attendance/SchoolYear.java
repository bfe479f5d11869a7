package uk.childlink.care.attendance;

import java.time.LocalDate;
import java.time.Month;

/** An English school year: 1 September to 31 August. */
record SchoolYear(LocalDate start, LocalDate end) {

	static SchoolYear containing(LocalDate day) {
		int startYear = day.getMonth().compareTo(Month.SEPTEMBER) >= 0 ? day.getYear() : day.getYear() - 1;
		return new SchoolYear(LocalDate.of(startYear, 9, 1), LocalDate.of(startYear + 1, 8, 31));
	}

	/** As schools write it: "2026/27". */
	String label() {
		return start.getYear() + "/" + String.format("%02d", end.getYear() % 100);
	}
}
