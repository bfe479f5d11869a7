package uk.childlink.care.attendance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.Test;

/** The DfE arithmetic: rates, and the 10% and 50% thresholds compared exactly. */
class AttendanceSummaryTest {

	private static AttendanceSummary sessions(int possible, int present, int activity, int authorised, int unauthorised) {
		return new AttendanceSummary(1, possible, present, activity, authorised, unauthorised);
	}

	@Test
	void ratesCountApprovedActivityAsPresentAndBothKindsOfAbsenceAsAbsent() {
		AttendanceSummary week = sessions(10, 7, 1, 1, 1);

		assertThat(week.attendanceRate()).isEqualByComparingTo("80.0");
		assertThat(week.absenceRate()).isEqualByComparingTo("20.0");
	}

	@Test
	void exactlyTenPercentIsPersistentAndJustUnderIsNot() {
		assertThat(sessions(380, 342, 0, 38, 0).persistentlyAbsent()).isTrue();
		assertThat(sessions(380, 343, 0, 37, 0).persistentlyAbsent()).isFalse();
		// 37 of 380 is 9.74%, which rounds to 9.7: no rounding up into persistence
		assertThat(sessions(380, 343, 0, 37, 0).absenceRate()).isEqualByComparingTo(new BigDecimal("9.7"));
	}

	@Test
	void halfOrMoreMissedIsSevere() {
		assertThat(sessions(10, 5, 0, 0, 5).severelyAbsent()).isTrue();
		assertThat(sessions(10, 6, 0, 0, 4).severelyAbsent()).isFalse();
		assertThat(sessions(10, 6, 0, 0, 4).persistentlyAbsent()).isTrue();
	}

	@Test
	void withoutPossibleSessionsThereIsNoRateAndNoAbsence() {
		assertThat(AttendanceSummary.NONE.attendanceRate()).isNull();
		assertThat(AttendanceSummary.NONE.absenceRate()).isNull();
		assertThat(AttendanceSummary.NONE.persistentlyAbsent()).isFalse();
		assertThat(AttendanceSummary.NONE.severelyAbsent()).isFalse();
	}

	@Test
	void summariesAddUp() {
		AttendanceSummary total = sessions(10, 10, 0, 0, 0).plus(sessions(10, 5, 0, 2, 3));

		assertThat(total).isEqualTo(new AttendanceSummary(2, 20, 15, 0, 2, 3));
		assertThat(total.persistentlyAbsent()).isTrue();
	}

	@Test
	void aRecordCountsOnlyWhenItsWholePeriodIsWithin() {
		LocalDate start = LocalDate.of(2026, 9, 1);
		LocalDate end = LocalDate.of(2026, 9, 30);

		assertThat(AttendanceRecords.within(period("2026-09-07", "2026-09-11"), start, end)).isTrue();
		assertThat(AttendanceRecords.within(period("2026-09-01", "2026-09-30"), start, end)).isTrue();
		assertThat(AttendanceRecords.within(period("2026-09-28", "2026-10-02"), start, end)).isFalse();
		assertThat(AttendanceRecords.within(period("2026-08-31", "2026-09-04"), start, end)).isFalse();
		assertThat(AttendanceRecords.within(period("2026-09-07T08:30:00+01:00", "2026-09-11T15:30:00+01:00"), start, end))
				.isTrue();
		assertThat(AttendanceRecords.within(period("2026-09", "2026-09"), start, end)).isFalse();
		assertThat(AttendanceRecords.within(new Period(), start, end)).isFalse();
	}

	@Test
	void theSchoolYearRunsFromSeptemberToAugust() {
		assertThat(SchoolYear.containing(LocalDate.of(2026, 11, 26)))
				.isEqualTo(new SchoolYear(LocalDate.of(2026, 9, 1), LocalDate.of(2027, 8, 31)));
		assertThat(SchoolYear.containing(LocalDate.of(2027, 8, 31)).start()).isEqualTo(LocalDate.of(2026, 9, 1));
		assertThat(SchoolYear.containing(LocalDate.of(2026, 9, 1)).label()).isEqualTo("2026/27");
		assertThat(SchoolYear.containing(LocalDate.of(2000, 1, 1)).label()).isEqualTo("1999/00");
	}

	private static Period period(String start, String end) {
		return new Period().setStartElement(new DateTimeType(start)).setEndElement(new DateTimeType(end));
	}
}
