package uk.childlink.outofview.lists;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.access.Caller;
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
	/** On each entry's {@code search}: why the child is on the list, and since when. */
	static final String REASON = "https://fhir.childlink.uk/StructureDefinition/out-of-view-reason";
	static final String SINCE = "https://fhir.childlink.uk/StructureDefinition/out-of-view-since";
	private static final int DEFAULT_COUNT = 50;
	private static final int MAX_COUNT = 500;

	private final MissingEducation lists;
	private final RelatedOrganisations related;
	private final Clock clock;

	MissingEducationOperation(MissingEducation lists, RelatedOrganisations related, Clock clock) {
		this.lists = lists;
		this.related = related;
		this.clock = clock;
	}

	@Operation(name = NAME, type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
	public Bundle list(
			@OperationParam(name = "organization", max = 1) StringType organization,
			@OperationParam(name = "_count", max = 1) IntegerType count,
			@OperationParam(name = "_offset", max = 1) IntegerType offset,
			RequestDetails request) {
		String council = council(organization, request);
		int pageSize = number("_count", count, DEFAULT_COUNT, 1, MAX_COUNT);
		int from = number("_offset", offset, 0, 0, Integer.MAX_VALUE);
		LocalDate today = LocalDate.now(clock);

		MissingEducation.Found found = lists.of("Organization/" + council, today);
		List<MissingEducation.Entry> all = new ArrayList<>(found.left());
		found.neverEnrolled().forEach(child -> all.add(new MissingEducation.Entry(child, null, null)));
		List<MissingEducation.Entry> page = all.subList(Math.min(from, all.size()), Math.min(from + pageSize, all.size()));
		Map<String, Patient> records = lists.records(page.stream().map(MissingEducation.Entry::childId).toList());

		Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		String base = request.getFhirServerBase();
		String self = base + "/Patient/" + NAME + "?organization=Organization/" + council + "&_count=" + pageSize;
		bundle.addLink().setRelation("self").setUrl(self + "&_offset=" + from);
		if (from + pageSize < all.size()) {
			bundle.addLink().setRelation("next").setUrl(self + "&_offset=" + (from + pageSize));
		}
		if (from > 0) {
			bundle.addLink().setRelation("previous").setUrl(self + "&_offset=" + Math.max(0, from - pageSize));
		}
		// the list is the council's own children by construction; HAPI's consent check then applies the access rules
		// to each entry on the way out, as to any answer (and, as for any answer it checks, leaves no Bundle.total)
		for (MissingEducation.Entry entry : page) {
			Patient child = records.get(entry.childId());
			if (child == null) {
				continue; // deleted since the list was made
			}
			Bundle.BundleEntrySearchComponent search = bundle.addEntry()
					.setFullUrl(base + "/Patient/" + entry.childId()).setResource(child).getSearch()
					.setMode(Bundle.SearchEntryMode.MATCH);
			if (entry.lastSchool() != null) {
				search.addExtension(SINCE, new DateType(entry.since().toString()));
				search.addExtension(REASON, new StringType("Left the roll of " + entry.lastSchool() + " on "
						+ entry.since() + "; no school has the child on roll or an admission planned"));
			} else if (Primitives.day(child.getBirthDateElement()) != null) {
				LocalDate since = SchoolCalendar.compulsoryFrom(Primitives.day(child.getBirthDateElement()));
				search.addExtension(SINCE, new DateType(since.toString()));
				search.addExtension(REASON, new StringType("No school enrolment recorded; of compulsory school age since "
						+ since));
			}
		}
		return bundle;
	}

	/** The council's Organization id: the caller's own, or (for an admin) the one named. */
	private String council(StringType organization, RequestDetails request) {
		Optional<Caller> caller = Caller.of(request);
		String named = organization == null || organization.getValue() == null ? null
				: organization.getValue().trim().replaceFirst("^Organization/", "");
		if (named != null && !named.matches("[A-Za-z0-9\\-.]{1,64}")) {
			throw new InvalidRequestException(NAME + ": organization must be Organization/{id}, found '"
					+ organization.getValue() + "'");
		}
		if (caller.isEmpty() || caller.get().isAdmin()) {
			if (named == null) {
				throw new InvalidRequestException(NAME + ": name the council, organization=Organization/{id}");
			}
			return named;
		}
		String own = related.organisationOf(caller.get()).orElseThrow(() -> new ForbiddenOperationException(NAME
				+ ": your token's organisation (" + caller.get().organisationText() + ") is not registered here"));
		if (named != null && !named.equals(own)) {
			throw new ForbiddenOperationException(NAME + " lists your own council's children only (Organization/" + own
					+ ")");
		}
		return own;
	}

	private static int number(String name, IntegerType value, int otherwise, int min, int max) {
		if (value == null || value.getValue() == null) {
			return otherwise;
		}
		if (value.getValue() < min || value.getValue() > max) {
			throw new InvalidRequestException(NAME + ": " + name + " must be from " + min + " to " + max + ", found "
					+ value.getValue());
		}
		return value.getValue();
	}
}
