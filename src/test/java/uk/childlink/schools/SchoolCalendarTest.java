package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Compulsory school age and school days, checked against dates worked out by hand from the law's rules. */
class SchoolCalendarTest {

	@Test
	void compulsorySchoolAgeStartsOnThePrescribedDayOnOrAfterTheFifthBirthday() {
		assertThat(SchoolCalendar.compulsoryFrom(LocalDate.parse("2016-03-03"))).isEqualTo("2021-03-31");
		assertThat(SchoolCalendar.compulsoryFrom(LocalDate.parse("2016-08-31"))).as("a birthday on a prescribed day")
				.isEqualTo("2021-08-31");
		assertThat(SchoolCalendar.compulsoryFrom(LocalDate.parse("2016-09-01"))).isEqualTo("2021-12-31");
		assertThat(SchoolCalendar.compulsoryFrom(LocalDate.parse("2016-12-31"))).isEqualTo("2021-12-31");
		assertThat(SchoolCalendar.compulsoryFrom(LocalDate.parse("2017-01-01"))).isEqualTo("2022-03-31");
	}

	@Test
	void compulsorySchoolAgeEndsOnTheLastFridayOfJuneOfTheSchoolYearOfTheSixteenthBirthday() {
		// 16 on 3 March 2032: school year 2031-32; 30 June 2032 is a Wednesday
		assertThat(SchoolCalendar.compulsoryUntil(LocalDate.parse("2016-03-03"))).isEqualTo("2032-06-25");
		// 16 on 1 September 2032: school year 2032-33
		assertThat(SchoolCalendar.compulsoryUntil(LocalDate.parse("2016-09-01"))).isEqualTo("2033-06-24");
		// 16 on 15 July 2026, after the leaving date of that school year: it still ends on 26 June 2026
		assertThat(SchoolCalendar.compulsoryUntil(LocalDate.parse("2010-07-15"))).isEqualTo("2026-06-26");
		assertThat(SchoolCalendar.compulsorySchoolAge(LocalDate.parse("2010-07-15"), LocalDate.parse("2026-06-26")))
				.isTrue();
		assertThat(SchoolCalendar.compulsorySchoolAge(LocalDate.parse("2010-07-15"), LocalDate.parse("2026-06-27")))
				.isFalse();
		assertThat(SchoolCalendar.compulsorySchoolAge(LocalDate.parse("2016-03-03"), LocalDate.parse("2021-03-30")))
				.isFalse();
		assertThat(SchoolCalendar.compulsorySchoolAge(LocalDate.parse("2016-03-03"), LocalDate.parse("2021-03-31")))
				.isTrue();
	}

	@Test
	void theChildrenOfCompulsorySchoolAgeOnADayAreThoseBornBetweenTwoDates() {
		// on 3 December 2026: born by 31 August 2021 (5 on the prescribed day 31 August 2026; born a day later, the
		// prescribed day is 31 December 2026), and not before 1 September 2010 (born on 31 August 2010, 16 in the school
		// year 2025-26, whose leaving date was 26 June 2026)
		SchoolCalendar.BirthDates born = SchoolCalendar.compulsorySchoolAgeOn(LocalDate.parse("2026-12-03"));
		assertThat(born.latest()).isEqualTo("2021-08-31");
		assertThat(born.earliest()).isEqualTo("2010-09-01");
		for (LocalDate b = LocalDate.parse("2010-08-01"); b.isBefore(LocalDate.parse("2021-10-01")); b = b.plusDays(1)) {
			assertThat(SchoolCalendar.compulsorySchoolAge(b, LocalDate.parse("2026-12-03")))
					.as(b.toString()).isEqualTo(!b.isBefore(born.earliest()) && !b.isAfter(born.latest()));
		}
	}

	@Test
	void schoolDaysAreMondayToFriday() {
		// left on Friday 4 December 2026: ten school days are 7-11 and 14-18 December
		assertThat(SchoolCalendar.schoolDaysAfter(LocalDate.parse("2026-12-04"), 10)).isEqualTo("2026-12-18");
		// from a Saturday, the first school day is the Monday
		assertThat(SchoolCalendar.schoolDaysAfter(LocalDate.parse("2026-12-05"), 1)).isEqualTo("2026-12-07");
		assertThat(SchoolCalendar.schoolDaysAfter(LocalDate.parse("2026-12-02"), 3)).isEqualTo("2026-12-07");
	}
}
