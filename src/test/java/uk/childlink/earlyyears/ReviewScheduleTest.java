package uk.childlink.earlyyears;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.loading.ConformanceFiles;

/** The Healthy Child Programme schedule as the published code system states it, and the next review a child owes. */
class ReviewScheduleTest {

	private static final ReviewSchedule SCHEDULE =
			new ReviewSchedule(new CodeLists(ConformanceFiles.readAll(FhirContext.forR4Cached())));
	private static final LocalDate BORN = LocalDate.parse("2025-01-31");

	@Test
	void theReviewsAfterBirthInOrderWithTheirPublishedAges() {
		assertThat(SCHEDULE.reviews()).extracting(ReviewSchedule.Review::code)
				.containsExactly("new-birth-visit", "6-8-week-review", "1-year-review", "2-year-review");
		ReviewSchedule.Review newBirth = SCHEDULE.reviews().get(0);
		assertThat(newBirth.dueFrom(BORN)).isEqualTo("2025-02-10");
		assertThat(newBirth.dueBy(BORN)).isEqualTo("2025-02-14");
		assertThat(SCHEDULE.reviews().get(1).dueBy(BORN)).as("8 weeks").isEqualTo("2025-03-28");
		assertThat(SCHEDULE.reviews().get(2).dueBy(BORN)).as("12 months").isEqualTo("2026-01-31");
		assertThat(SCHEDULE.reviews().get(3).dueFrom(BORN)).as("24 months").isEqualTo("2027-01-31");
		assertThat(SCHEDULE.reviews().get(3).dueBy(BORN)).as("30 months")
				.isEqualTo("2027-07-31");
	}

	@Test
	void theNextReviewIsOverdueTheDayAfterItsDueByDate() {
		assertThat(SCHEDULE.overdue(BORN, Set.of(), LocalDate.parse("2025-02-14"))).as("on its last day").isEmpty();
		var next = SCHEDULE.overdue(BORN, Set.of(), LocalDate.parse("2025-02-15")).orElseThrow();
		assertThat(next.review().code()).isEqualTo("new-birth-visit");
		assertThat(next.overdueSince()).isEqualTo("2025-02-15");
		assertThat(next.alsoMissed()).isEmpty();
	}

	@Test
	void theNextReviewFollowsTheLatestDoneAndNamesTheLaterOnesMissedToo() {
		// the 6-8 week review done without a recorded new birth visit: the next is the 1 year review
		assertThat(SCHEDULE.overdue(BORN, Set.of("6-8-week-review"), LocalDate.parse("2026-01-31"))).isEmpty();
		var late = SCHEDULE.overdue(BORN, Set.of("6-8-week-review"), LocalDate.parse("2026-02-01")).orElseThrow();
		assertThat(late.review().code()).isEqualTo("1-year-review");
		// nothing recorded at 31 months: the new birth visit, and every later one missed
		var none = SCHEDULE.overdue(BORN, Set.of(), LocalDate.parse("2027-08-31")).orElseThrow();
		assertThat(none.review().code()).isEqualTo("new-birth-visit");
		assertThat(none.alsoMissed()).extracting(ReviewSchedule.Review::code)
				.containsExactly("6-8-week-review", "1-year-review", "2-year-review");
		// the last review done: nothing more is owed
		assertThat(SCHEDULE.overdue(BORN, Set.of("2-year-review"), LocalDate.parse("2027-12-31"))).isEmpty();
	}
}
