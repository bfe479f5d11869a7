package uk.childlink.outofview.lists;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;
import uk.childlink.schools.SchoolCalendar;

/**
 * A council's children of compulsory school age who are on no school's roll: those it is responsible for
 * ({@code Patient.managingOrganization}, the access policy's responsible-authority relationship), born within the
 * compulsory school age of today, with no planned or active school-enrolment. Two searches (the children's ids, the
 * enrolments of the council's children), neither of which reads a record of another council's children.
 */
final class MissingEducation {

	private static final String ENROLMENTS = "EpisodeOfCare?type=" + CodeLists.EPISODE_TYPE + "|" + CodeLists.SCHOOL_ENROLMENT
			+ "&patient.organization=";

	/** A child on the list: off roll since {@code since}, having left {@code lastSchool} (null: no enrolment recorded). */
	record Entry(String childId, LocalDate since, String lastSchool) {}

	/** The list, ordered longest out of view first (children with no enrolment recorded at the end). */
	record Found(List<Entry> left, List<String> neverEnrolled) {}

	private final FhirContext fhir;
	private final IFhirResourceDao<Patient> patients;
	private final IFhirResourceDao<EpisodeOfCare> episodes;
	private final MatchUrlService matchUrls;

	MissingEducation(FhirContext fhir, IFhirResourceDao<Patient> patients, IFhirResourceDao<EpisodeOfCare> episodes,
			MatchUrlService matchUrls) {
		this.fhir = fhir;
		this.patients = patients;
		this.episodes = episodes;
		this.matchUrls = matchUrls;
	}

	/** The children of the council ({@code Organization/<id>}) on no school's roll today. */
	Found of(String council, LocalDate today) {
		SchoolCalendar.BirthDates born = SchoolCalendar.compulsorySchoolAgeOn(today);
		SearchParameterMap children = matchUrls.translateMatchUrl("Patient?organization=" + council + "&birthdate=ge"
				+ born.earliest() + "&birthdate=le" + born.latest(), fhir.getResourceDefinition("Patient"));
		children.setLoadSynchronous(true);
		Set<String> ofAge = new HashSet<>();
		for (IIdType id : patients.searchForResourceIds(children, new SystemRequestDetails())) {
			ofAge.add(id.getIdPart());
		}

		SearchParameterMap enrolmentSearch = matchUrls.translateMatchUrl(ENROLMENTS + council,
				fhir.getResourceDefinition("EpisodeOfCare"));
		enrolmentSearch.setLoadSynchronous(true);
		Set<String> onRoll = new HashSet<>();
		Map<String, EpisodeOfCare> latestLeft = new HashMap<>();
		for (var found : episodes.searchForResources(enrolmentSearch, new SystemRequestDetails())) {
			EpisodeOfCare enrolment = (EpisodeOfCare) found;
			String child = enrolment.getPatient().getReferenceElement().getIdPart();
			switch (enrolment.getStatus()) {
				case PLANNED, ACTIVE, ONHOLD, WAITLIST -> onRoll.add(child);
				case FINISHED -> latestLeft.merge(child, enrolment,
						(a, b) -> end(a).isAfter(end(b)) ? a : b);
				default -> {} // cancelled, entered in error: as if never recorded
			}
		}

		List<Entry> left = new ArrayList<>();
		List<String> never = new ArrayList<>();
		for (String child : ofAge) {
			if (onRoll.contains(child)) {
				continue;
			}
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
