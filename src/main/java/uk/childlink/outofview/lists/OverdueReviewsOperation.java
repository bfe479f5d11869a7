package uk.childlink.outofview.lists;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.earlyyears.ReviewSchedule;

/**
 * {@code GET /fhir/Patient/$reviews-overdue}: a health visiting service's children under 3 whose next mandated
 * Healthy Child Programme review is overdue, longest overdue first, each with the review, since when and by how long
 * (OperationDefinition {@link #CANONICAL}); paged with {@code _count} and {@code _offset}. A service's user lists its
 * own caseload; an admin names the service.
 */
final class OverdueReviewsOperation {

	static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/reviews-overdue";
	static final String NAME = "$reviews-overdue";
	/** On each entry's {@code search}: the review overdue (a Coding of the hcp-review code system). */
	static final String REVIEW = "https://fhir.childlink.uk/StructureDefinition/overdue-review";

	private final OverdueReviews lists;
	private final ChildRecords records;
	private final RelatedOrganisations related;
	private final Clock clock;

	OverdueReviewsOperation(OverdueReviews lists, ChildRecords records, RelatedOrganisations related, Clock clock) {
		this.lists = lists;
		this.records = records;
		this.related = related;
		this.clock = clock;
	}

	@Operation(name = NAME, type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
	public Bundle list(
			@OperationParam(name = "organization", max = 1) StringType organization,
			@OperationParam(name = "_count", max = 1) IntegerType count,
			@OperationParam(name = "_offset", max = 1) IntegerType offset,
			RequestDetails request) {
		Worklists.Paging paging = Worklists.paging(NAME, organization, count, offset, request, related);
		String service = paging.organisation();
		LocalDate today = LocalDate.now(clock);

		List<OverdueReviews.Entry> all = lists.of(service, today);
		List<OverdueReviews.Entry> page = paging.slice(all);
		Map<String, Patient> children = Worklists.records(page.stream().map(OverdueReviews.Entry::childId).toList(), request,
				related, records);
		Bundle bundle = Worklists.page(request, NAME, paging, "", all.size());
		for (OverdueReviews.Entry entry : page) {
			Patient child = children.get(entry.childId());
			if (child == null) {
				continue; // hidden, or deleted since the list was made
			}
			ReviewSchedule.Next next = entry.next();
			LocalDate born = entry.born();
			long days = ChronoUnit.DAYS.between(next.dueBy(), today);
			String reason = next.review().display() + " due by " + next.dueBy() + " not recorded: overdue by " + days
					+ (days == 1 ? " day" : " days");
			if (!next.alsoMissed().isEmpty()) {
				reason += "; since then also due: " + next.alsoMissed().stream()
						.map(r -> r.display() + " (by " + r.dueBy(born) + ")")
						.collect(Collectors.joining(", "));
			}
			Bundle.BundleEntrySearchComponent search = Worklists.add(bundle, request, child);
			search.addExtension(REVIEW, new Coding(ReviewSchedule.SYSTEM, next.review().code(), next.review().display()));
			search.addExtension(Worklists.SINCE, new DateType(next.overdueSince().toString()));
			search.addExtension(Worklists.REASON, new StringType(reason));
		}
		return bundle;
	}
}
