package uk.childlink.care.attendance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.Test;

/** Which attendance records owe the child a flag refresh: those the flag's summary of the school year counts. */
class AbsenceFlagTriggerTest {

	private static final LocalDate TODAY = LocalDate.of(2026, 12, 2); // school year 2026/27

	private static Observation record(String start, String end) {
		return new Observation().setEffective(new Period().setStartElement(new DateTimeType(start))
				.setEndElement(new DateTimeType(end)));
	}

	@Test
	void aRecordOfThisSchoolYearCountsWhateverItsStatus() {
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2026-09-07", "2026-09-11"), TODAY)).isTrue();
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2026-09-01", "2027-08-31"), TODAY)).isTrue();
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2026-11-30", "2026-12-04")
				.setStatus(Observation.ObservationStatus.ENTEREDINERROR), TODAY))
				.as("a record marked entered in error stops counting: the flag changes").isTrue();
	}

	@Test
	void aRecordOfAnEarlierYearOrAcrossTheYearsStartDoesNot() {
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2025-09-08", "2025-09-12"), TODAY)).isFalse();
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2026-07-20", "2026-08-31"), TODAY))
				.as("the last day of the year before").isFalse();
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(record("2026-08-31", "2026-09-04"), TODAY))
				.as("across the year's start: the summary leaves it out too").isFalse();
		assertThat(AbsenceFlagTrigger.countsTowardsTheFlag(new Observation(), TODAY)).as("no period").isFalse();
	}
}
