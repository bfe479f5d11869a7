package uk.childlink.outofview.lists;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;
import uk.childlink.schools.SchoolCalendar;

/**
 * A council's children of compulsory school age who are on no school's roll: those it is responsible for
 * ({@code Patient.managingOrganization}, the access policy's responsible-authority relationship), born within the
 * compulsory school age of today, with no planned, active, on-hold or waitlisted school-enrolment. The children are
 * found in the search indexes ({@link ListIndexes}: no record read), then only their finished enrolments are read, to
 * say since when and from which school. Nothing of another council's children is read.
 */
final class MissingEducation {

	private static final int CHUNK = 500;

	/** A child on the list: off roll since {@code since}, having left {@code lastSchool} (null: no enrolment recorded). */
	record Entry(String childId, LocalDate since, String lastSchool) {}

	/** The list, ordered longest out of view first (children with no enrolment recorded at the end). */
	record Found(List<Entry> left, List<String> neverEnrolled) {}

	private final ListIndexes indexes;
	private final IFhirResourceDao<EpisodeOfCare> episodes;

	MissingEducation(ListIndexes indexes, IFhirResourceDao<EpisodeOfCare> episodes) {
		this.indexes = indexes;
		this.episodes = episodes;
	}

	/** The children of the council ({@code Organization} id) on no school's roll today. */
	Found of(String council, LocalDate today) {
		SchoolCalendar.BirthDates born = SchoolCalendar.compulsorySchoolAgeOn(today);
		List<String> offRoll = indexes.onNoRoll(council, born.earliest(), born.latest());

		Map<String, EpisodeOfCare> latestLeft = new HashMap<>();
		for (int i = 0; i < offRoll.size(); i += CHUNK) {
			ReferenceOrListParam anyChild = new ReferenceOrListParam();
			offRoll.subList(i, Math.min(i + CHUNK, offRoll.size()))
					.forEach(id -> anyChild.add(new ReferenceParam("Patient/" + id)));
			SearchParameterMap finished = SearchParameterMap.newSynchronous().add(EpisodeOfCare.SP_PATIENT, anyChild)
					.add(EpisodeOfCare.SP_TYPE, new TokenParam(CodeLists.EPISODE_TYPE, CodeLists.SCHOOL_ENROLMENT))
					.add(EpisodeOfCare.SP_STATUS, new TokenParam("finished"));
			for (var found : episodes.searchForResources(finished, new SystemRequestDetails())) {
				EpisodeOfCare enrolment = (EpisodeOfCare) found;
				latestLeft.merge(enrolment.getPatient().getReferenceElement().getIdPart(), enrolment,
						(a, b) -> end(a).isAfter(end(b)) ? a : b);
			}
		}

		List<Entry> left = new ArrayList<>();
		List<String> never = new ArrayList<>();
		for (String child : offRoll) {
			EpisodeOfCare last = latestLeft.get(child);
			if (last == null) {
				never.add(child);
			} else {
				left.add(new Entry(child, end(last),
						last.getManagingOrganization().getReferenceElement().toUnqualifiedVersionless().getValue()));
			}
		}
		left.sort(Comparator.comparing(Entry::since).thenComparing(Entry::childId));
		never.sort(Comparator.naturalOrder());
		return new Found(left, never);
	}

	private static LocalDate end(EpisodeOfCare enrolment) {
		LocalDate end = Primitives.day(enrolment.getPeriod().getEndElement());
		return end == null ? LocalDate.MIN : end;
	}
}
