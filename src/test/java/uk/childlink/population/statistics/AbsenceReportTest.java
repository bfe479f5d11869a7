package uk.childlink.population.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Date;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.junit.jupiter.api.Test;

/** The Department's suppression rules on figures worked by hand, and the schedule's periods. */
class AbsenceReportTest {

	private static final LocalDate START = LocalDate.of(2026, 9, 1);
	private static final LocalDate END = LocalDate.of(2026, 10, 16);

	@Test
	void aSchoolsCountsAreShownUnroundedAndItsRatesToOneDecimalPlace() {
		MeasureReport report = report(false, new AbsenceFigures(23, 4_370, 150, 61, 4, 0));
		assertThat(counts(report, "overall-absence")).isEqualTo("211/4370 0.048");
		assertThat(counts(report, "authorised-absence")).isEqualTo("150/4370 0.034");
		assertThat(counts(report, "unauthorised-absence")).isEqualTo("61/4370 0.014");
		assertThat(counts(report, "persistent-absence")).isEqualTo("4/23 0.174");
		assertThat(counts(report, "severe-absence")).as("a zero is a true zero, not withheld").isEqualTo("0/23 0.000");
	}

	@Test
	void anEnrolmentCountOfOneOrTwoIsWithheldWithItsRate() {
		MeasureReport report = report(false, new AbsenceFigures(30, 5_000, 100, 50, 2, 1));
		assertThat(counts(report, "persistent-absence")).isEqualTo("masked/30 masked");
		assertThat(counts(report, "severe-absence")).isEqualTo("masked/30 masked");
		assertThat(counts(report, "overall-absence")).isEqualTo("150/5000 0.030");
	}

	@Test
	void aReportOfOneOrTwoEnrolmentsWithholdsEveryFigure() {
		for (long enrolments : new long[] {1, 2}) {
			MeasureReport report = report(false, new AbsenceFigures(enrolments, 20, 2, 3, 1, 0));
			for (MeasureReportGroupComponent group : report.getGroup()) {
				assertThat(counts(report, group.getCode().getCodingFirstRep().getCode()))
						.isEqualTo("masked/masked masked");
			}
		}
		assertThat(counts(report(false, new AbsenceFigures(3, 30, 2, 3, 1, 0)), "overall-absence"))
				.isEqualTo("5/30 0.167");
	}

	@Test
	void aCouncilsEnrolmentCountsAreRoundedToFiveAndItsRatesComeFromTheTrueCounts() {
		MeasureReport report = report(true, new AbsenceFigures(1_234, 400_000, 12_000, 4_001, 148, 12));
		assertThat(counts(report, "persistent-absence")).isEqualTo("150/1235 0.120");
		assertThat(counts(report, "severe-absence")).isEqualTo("10/1235 0.010");
		assertThat(counts(report, "overall-absence")).as("sessions are not rounded").isEqualTo("16001/400000 0.040");
	}

	@Test
	void noPossibleSessionsMeansNoRateAndNothingWithheld() {
		MeasureReport report = report(false, AbsenceFigures.NONE);
		assertThat(counts(report, "overall-absence")).isEqualTo("0/0 none");
		assertThat(counts(report, "persistent-absence")).isEqualTo("0/0 none");
	}

	@Test
	void theScheduleCoversTheSchoolYearToTheFridayOfTheLastCompleteWeek() {
		// Thursday 3 December 2026: the last complete week ended on Friday 27 November
		assertThat(StatisticsSchedule.periodOn(LocalDate.of(2026, 12, 3)))
				.isEqualTo(new StatisticsSchedule.Period(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 11, 27)));
		// on a Saturday, the week just ended is complete
		assertThat(StatisticsSchedule.periodOn(LocalDate.of(2026, 11, 28)).end()).isEqualTo(LocalDate.of(2026, 11, 27));
		// in the summer holiday: the school year that is ending
		assertThat(StatisticsSchedule.periodOn(LocalDate.of(2027, 8, 20)).start()).isEqualTo(LocalDate.of(2026, 9, 1));
		// the first days of September, before a week of the new year is complete: the whole of the year before
		assertThat(StatisticsSchedule.periodOn(LocalDate.of(2026, 9, 2)))
				.isEqualTo(new StatisticsSchedule.Period(LocalDate.of(2025, 9, 1), LocalDate.of(2026, 8, 28)));
	}

	private static MeasureReport report(boolean council, AbsenceFigures figures) {
		return AbsenceReport.of("Organization/x", "X", council, START, END, figures, new Date());
	}

	/** "numerator/denominator rate", each a number, "masked", or "none". */
	private static String counts(MeasureReport report, String code) {
		MeasureReportGroupComponent group = report.getGroup().stream()
				.filter(g -> g.getCode().getCodingFirstRep().getCode().equals(code)).findFirst().orElseThrow();
		String numerator = null;
		String denominator = null;
		for (var population : group.getPopulation()) {
			String shown = population.getCountElement().hasValue() ? String.valueOf(population.getCount())
					: population.getCountElement().hasExtension() ? "masked" : "none";
			if (population.getCode().getCodingFirstRep().getCode().equals("numerator")) {
				numerator = shown;
			} else {
				denominator = shown;
			}
		}
		String rate = group.getMeasureScore().hasValue() ? group.getMeasureScore().getValue().toPlainString()
				: numerator.equals("masked") ? "masked" : "none";
		return numerator + "/" + denominator + " " + rate;
	}
}
