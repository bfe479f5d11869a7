package uk.childlink.outofview.lists;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import uk.childlink.earlyyears.ReviewSchedule;

/**
 * A health visiting service's children under 3 whose next mandated review is overdue: the children on its caseload
 * (an active health-visiting EpisodeOfCare it manages, not past its end), their reviews recorded as done (finished
 * hcp-review Encounters, by any service), and the schedule of {@link ReviewSchedule}. Read from the search indexes of
 * the service's own caseload ({@link ListIndexes}), never another service's children.
 */
final class OverdueReviews {

	static final String HEALTH_VISITING = "health-visiting";

	/** A child on the list ({@code Patient} id), born on {@code born}, with the review overdue. */
	record Entry(String childId, LocalDate born, ReviewSchedule.Next next) {}

	private final ListIndexes indexes;
	private final ReviewSchedule schedule;

	OverdueReviews(ListIndexes indexes, ReviewSchedule schedule) {
		this.indexes = indexes;
		this.schedule = schedule;
	}

	/** The service's ({@code Organization} id) children under 3 with an overdue review, longest overdue first. */
	List<Entry> of(String service, LocalDate today) {
		List<Entry> list = new ArrayList<>();
		for (ListIndexes.YoungChild child : indexes.underThreeOnCaseload(service, today)) {
			schedule.overdue(child.born(), child.reviewsDone(), today)
					.ifPresent(next -> list.add(new Entry(child.id(), child.born(), next)));
		}
		list.sort(Comparator.comparing((Entry e) -> e.next().dueBy()).thenComparing(Entry::childId));
		return list;
	}
}
