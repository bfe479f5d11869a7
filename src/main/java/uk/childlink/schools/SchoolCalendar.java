package uk.childlink.schools;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.time.temporal.TemporalAdjusters;
import java.util.List;

/** The law's school calendar: when a child is of compulsory school age, and counting school days. */
public final class SchoolCalendar {

	/**
	 * The prescribed days (Education Act 1996 s.8(3), The Education (Start of Compulsory School Age) Order 1998):
	 * a child becomes of compulsory school age on the first of these on or after the fifth birthday.
	 */
	private static final List<MonthDay> PRESCRIBED_DAYS = List.of(MonthDay.of(Month.MARCH, 31),
			MonthDay.of(Month.AUGUST, 31), MonthDay.of(Month.DECEMBER, 31));

	private SchoolCalendar() {}

	/** The first day of compulsory school age of a child born on {@code birthDate}. */
	public static LocalDate compulsoryFrom(LocalDate birthDate) {
		LocalDate fifth = birthDate.plusYears(5);
		for (int year = fifth.getYear();; year++) {
			for (MonthDay day : PRESCRIBED_DAYS) {
				LocalDate prescribed = day.atYear(year);
				if (!prescribed.isBefore(fifth)) {
					return prescribed;
				}
			}
		}
	}

	/**
	 * The last day of compulsory school age: the school leaving date, the last Friday in June of the school year
	 * (September to August) in which the child turns 16 (Education Act 1996 s.8(4), The Education (School Leaving
	 * Date) Order 1997).
	 */
	public static LocalDate compulsoryUntil(LocalDate birthDate) {
		LocalDate sixteenth = birthDate.plusYears(16);
		int summer = sixteenth.getMonthValue() >= 9 ? sixteenth.getYear() + 1 : sixteenth.getYear();
		return LocalDate.of(summer, Month.JUNE, 30).with(TemporalAdjusters.previousOrSame(DayOfWeek.FRIDAY));
	}

	/** Whether a child born on {@code birthDate} is of compulsory school age on {@code day}. */
	public static boolean compulsorySchoolAge(LocalDate birthDate, LocalDate day) {
		return !day.isBefore(compulsoryFrom(birthDate)) && !day.isAfter(compulsoryUntil(birthDate));
	}

	/** The birth dates of the children of compulsory school age on a day: from {@code earliest} to {@code latest}. */
	public record BirthDates(LocalDate earliest, LocalDate latest) {}

	/** The birth dates of the children who are of compulsory school age on {@code day} (both rules are monotone). */
	public static BirthDates compulsorySchoolAgeOn(LocalDate day) {
		LocalDate latest = day.minusYears(5);
		while (compulsoryFrom(latest).isAfter(day)) {
			latest = latest.minusDays(1);
		}
		LocalDate earliest = day.minusYears(17);
		while (compulsoryUntil(earliest).isBefore(day)) {
			earliest = earliest.plusDays(1);
		}
		return new BirthDates(earliest, latest);
	}

	/**
	 * The day on which {@code schoolDays} school days after {@code day} have passed, counting Monday to Friday: the
	 * server knows no council's term dates, so a holiday counts as school days (a wait that ends in a holiday ends
	 * early, never late).
	 */
	public static LocalDate schoolDaysAfter(LocalDate day, int schoolDays) {
		LocalDate d = day;
		for (int counted = 0; counted < schoolDays;) {
			d = d.plusDays(1);
			if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
				counted++;
			}
		}
		return d;
	}
}
