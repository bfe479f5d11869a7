package uk.childlink.outofview.lists;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Primitives;
import uk.childlink.schools.SchoolCalendar;

/**
 * {@code GET /fhir/Patient/$children-missing-education}: a council's children of compulsory school age on no school's
 * roll, longest first, each with since when and why (OperationDefinition {@link #CANONICAL}); paged with
 * {@code _count} and {@code _offset}. A council's user lists its own council's children; an admin names the council.
 */
final class MissingEducationOperation {

	static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/children-missing-education";
	static final String NAME = "$children-missing-education";

	private final MissingEducation lists;
	private final ChildRecords records;
	private final RelatedOrganisations related;
	private final Clock clock;

	MissingEducationOperation(MissingEducation lists, ChildRecords records, RelatedOrganisations related, Clock clock) {
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
		String council = paging.organisation();
		LocalDate today = LocalDate.now(clock);

		MissingEducation.Found found = lists.of(council, today);
		List<MissingEducation.Entry> all = new ArrayList<>(found.left());
		found.neverEnrolled().forEach(child -> all.add(new MissingEducation.Entry(child, null, null)));
		List<MissingEducation.Entry> page = paging.slice(all);
		Map<String, Patient> children = Worklists.records(page.stream().map(MissingEducation.Entry::childId).toList(), request,
				related, records);

		Bundle bundle = Worklists.page(request, NAME, paging, "", all.size());
		for (MissingEducation.Entry entry : page) {
			Patient child = children.get(entry.childId());
			if (child == null) {
				continue; // deleted since the list was made
			}
			Bundle.BundleEntrySearchComponent search = Worklists.add(bundle, request, child);
			if (entry.lastSchool() != null) {
				search.addExtension(Worklists.SINCE, new DateType(entry.since().toString()));
				search.addExtension(Worklists.REASON, new StringType("Left the roll of " + entry.lastSchool() + " on "
						+ entry.since() + "; no school has the child on roll or an admission planned"));
			} else if (Primitives.day(child.getBirthDateElement()) != null) {
				LocalDate since = SchoolCalendar.compulsoryFrom(Primitives.day(child.getBirthDateElement()));
				search.addExtension(Worklists.SINCE, new DateType(since.toString()));
				search.addExtension(Worklists.REASON, new StringType("No school enrolment recorded; of compulsory school age since "
						+ since));
			}
		}
		return bundle;
	}
}
