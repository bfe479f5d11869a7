package uk.childlink.earlyyears;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uk.childlink.conformance.CodeLists;

/**
 * The Healthy Child Programme's mandated reviews after birth, in order, with the ages at which each is due: read from
 * the published code system {@code hcp-review} (its {@code due-from} and {@code due-by} properties, with their
 * sources), so the schedule a service reads through {@code $lookup} is the one the overdue list applies.
 */
public final class ReviewSchedule {

	public static final String SYSTEM = "https://fhir.childlink.uk/CodeSystem/hcp-review";

	/** A review: due from {@code dueFrom} after birth, on time up to and including {@code dueBy} after birth. */
	public record Review(String code, String display, Period dueFrom, Period dueBy) {

		public LocalDate dueFrom(LocalDate birthDate) {
			return birthDate.plus(dueFrom);
		}

		/** The last day the review is on time. */
		public LocalDate dueBy(LocalDate birthDate) {
			return birthDate.plus(dueBy);
		}
	}

	/** The next review a child is owed, and whether (and since when) it is overdue. */
	public record Next(Review review, LocalDate dueBy, List<Review> alsoMissed) {

		/** The first day the review is overdue. */
		public LocalDate overdueSince() {
			return dueBy.plusDays(1);
		}
	}

	private final List<Review> reviews;

	public ReviewSchedule(CodeLists codes) {
		List<Review> found = new ArrayList<>();
		for (String code : codes.codes(SYSTEM)) {
			Optional<String> from = codes.property(SYSTEM, code, "due-from");
			Optional<String> by = codes.property(SYSTEM, code, "due-by");
			if (from.isPresent() && by.isPresent()) { // the antenatal contact has no age: it comes before birth
				found.add(new Review(code, codes.display(SYSTEM, code).orElse(code), Period.parse(from.get()),
						Period.parse(by.get())));
			}
		}
		LocalDate anyDay = LocalDate.of(2000, 1, 1);
		found.sort((a, b) -> a.dueBy(anyDay).compareTo(b.dueBy(anyDay)));
		if (found.isEmpty()) {
			throw new IllegalStateException("CodeSystem " + SYSTEM + " has no review with due-from and due-by");
		}
		this.reviews = List.copyOf(found);
	}

	/** The reviews after birth, earliest first. */
	public List<Review> reviews() {
		return reviews;
	}

	/**
	 * The child's next review: the first of the schedule after the latest one recorded as done; overdue when
	 * {@code today} is after its due-by date. Empty when the child has had the last review, or its next review is not
	 * overdue. {@code alsoMissed}: the later reviews whose due-by dates have passed too.
	 */
	public Optional<Next> overdue(LocalDate birthDate, Set<String> done, LocalDate today) {
		int next = 0;
		for (int i = 0; i < reviews.size(); i++) {
			if (done.contains(reviews.get(i).code())) {
				next = i + 1;
			}
		}
		if (next == reviews.size() || !today.isAfter(reviews.get(next).dueBy(birthDate))) {
			return Optional.empty();
		}
		List<Review> later = reviews.subList(next + 1, reviews.size()).stream()
				.filter(r -> today.isAfter(r.dueBy(birthDate))).toList();
		return Optional.of(new Next(reviews.get(next), reviews.get(next).dueBy(birthDate), later));
	}
}
