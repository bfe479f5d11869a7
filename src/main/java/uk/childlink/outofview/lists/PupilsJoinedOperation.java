package uk.childlink.outofview.lists;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.access.RelatedOrganisations;

/**
 * {@code GET /fhir/Patient/$pupils-joined}: a school's pupils who joined in the last {@code days} days (default 30)
 * with an open plan, child-in-need episode or looked-after status, or persistently absent, when they joined; most
 * recent first, each with when, from which school and why (OperationDefinition {@link #CANONICAL}). A school's user
 * lists its own pupils; an admin names the school.
 */
final class PupilsJoinedOperation {

	static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/pupils-joined";
	static final String NAME = "$pupils-joined";

	private final PupilsJoined lists;
	private final ChildRecords records;
	private final RelatedOrganisations related;
	private final Clock clock;

	PupilsJoinedOperation(PupilsJoined lists, ChildRecords records, RelatedOrganisations related, Clock clock) {
		this.lists = lists;
		this.records = records;
		this.related = related;
		this.clock = clock;
	}

	@Operation(name = NAME, type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
	public Bundle list(
			@OperationParam(name = "organization", max = 1) StringType organization,
			@OperationParam(name = "days", max = 1) IntegerType days,
			@OperationParam(name = "_count", max = 1) IntegerType count,
			@OperationParam(name = "_offset", max = 1) IntegerType offset,
			RequestDetails request) {
		Worklists.Paging paging = Worklists.paging(NAME, organization, count, offset, request, related);
		int window = Worklists.number(NAME, "days", days, 30, 1, 366);
		LocalDate today = LocalDate.now(clock);

		// the last N days: today and the N - 1 before it
		List<PupilsJoined.Entry> all = lists.of("Organization/" + paging.organisation(), today.minusDays(window - 1L));
		List<PupilsJoined.Entry> page = paging.slice(all);
		Map<String, Patient> children = Worklists.records(page.stream().map(PupilsJoined.Entry::childId).toList(), request,
				related, records);
		Bundle bundle = Worklists.page(request, NAME, paging, "&days=" + window, all.size());
		for (PupilsJoined.Entry entry : page) {
			Patient child = children.get(entry.childId());
			if (child == null) {
				continue; // deleted since the list was made
			}
			Bundle.BundleEntrySearchComponent search = Worklists.add(bundle, request, child);
			search.addExtension(Worklists.SINCE, new DateType(entry.joined().toString()));
			search.addExtension(Worklists.REASON, new StringType("Joined on " + entry.joined()
					+ (entry.previousSchool() == null ? " (no previous school recorded)" : " from " + entry.previousSchool())
					+ ": " + String.join("; ", entry.reasons())));
		}
		return bundle;
	}
}
