package uk.childlink.outofview.lists;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;

/**
 * A school's pupils who joined in the last days (an enrolment it recorded, planned or active, starting then) and, on
 * the day they joined, had an open child protection plan, child-in-need episode or looked-after status, or an active
 * absence flag (raised from the attendance their previous school recorded this school year). Four searches, each
 * bounded by the school's own roll and the joiners' own records.
 */
final class PupilsJoined {

	static final String FLAG_CODES = "https://fhir.childlink.uk/CodeSystem/flag-code";
	/** The records that put a joiner on the list, with how the reason names them. */
	private static final Map<String, String> OPEN_RECORDS = Map.of("cp-plan", "a child protection plan",
			"cin-primary-need", "a child-in-need episode", "lac-legal-status", "looked-after status");
	private static final int CHUNK = 500;

	/** A pupil on the list: joined on {@code joined}, from {@code previousSchool} (null: none recorded), and why. */
	record Entry(String childId, LocalDate joined, String previousSchool, List<String> reasons) {}

	private final IFhirResourceDao<EpisodeOfCare> episodes;
	private final IFhirResourceDao<Observation> observations;
	private final IFhirResourceDao<Flag> flags;

	PupilsJoined(IFhirResourceDao<EpisodeOfCare> episodes, IFhirResourceDao<Observation> observations,
			IFhirResourceDao<Flag> flags) {
		this.episodes = episodes;
		this.observations = observations;
		this.flags = flags;
	}

	/** The school's ({@code Organization/<id>}) pupils who joined since {@code since}, most recent first. */
	List<Entry> of(String school, LocalDate since) {
		Map<String, LocalDate> joined = new HashMap<>();
		SearchParameterMap roll = SearchParameterMap.newSynchronous()
				.add(EpisodeOfCare.SP_TYPE, new TokenParam(CodeLists.EPISODE_TYPE, CodeLists.SCHOOL_ENROLMENT))
				.add(EpisodeOfCare.SP_ORGANIZATION, new ReferenceParam(school))
				.add(EpisodeOfCare.SP_STATUS, new TokenOrListParam(null, "planned", "active"));
		for (var found : episodes.searchForResources(roll, new SystemRequestDetails())) {
			EpisodeOfCare enrolment = (EpisodeOfCare) found;
			LocalDate start = Primitives.day(enrolment.getPeriod().getStartElement());
			if (start != null && !start.isBefore(since)) {
				joined.merge(enrolment.getPatient().getReferenceElement().getIdPart(), start,
						(a, b) -> a.isAfter(b) ? a : b);
			}
		}

		List<Entry> list = new ArrayList<>();
		List<String> ids = new ArrayList<>(joined.keySet());
		for (int i = 0; i < ids.size(); i += CHUNK) {
			List<String> chunk = ids.subList(i, Math.min(i + CHUNK, ids.size()));
			Map<String, List<String>> reasons = new HashMap<>();
			openRecords(chunk, joined, reasons);
			absenceFlags(chunk, joined, reasons);
			Map<String, String> previous = previousSchools(chunk, joined, school);
			for (String child : chunk) {
				if (reasons.containsKey(child)) {
					list.add(new Entry(child, joined.get(child), previous.get(child), reasons.get(child)));
				}
			}
		}
		list.sort(Comparator.comparing(Entry::joined).reversed().thenComparing(Entry::childId));
		return list;
	}

	private void openRecords(List<String> children, Map<String, LocalDate> joined, Map<String, List<String>> reasons) {
		TokenOrListParam codes = new TokenOrListParam();
		OPEN_RECORDS.keySet().forEach(code -> codes.add(CodeLists.OBSERVATION_CODE, code));
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(Observation.SP_SUBJECT, subjects(children))
				.add(Observation.SP_CODE, codes);
		for (var found : observations.searchForResources(search, new SystemRequestDetails())) {
			Observation record = (Observation) found;
			String child = record.getSubject().getReferenceElement().getIdPart();
			LocalDate day = joined.get(child);
			if (day == null || !(record.getEffective() instanceof Period period) || !openOn(period, day)
					|| record.getStatus() == Observation.ObservationStatus.ENTEREDINERROR
					|| record.getStatus() == Observation.ObservationStatus.CANCELLED) {
				continue;
			}
			String code = record.getCode().getCoding().stream()
					.filter(c -> CodeLists.OBSERVATION_CODE.equals(c.getSystem()) && OPEN_RECORDS.containsKey(c.getCode()))
					.map(c -> c.getCode()).findFirst().orElse(null);
			if (code != null) {
				add(reasons, child, "open " + OPEN_RECORDS.get(code) + " since " + Primitives.day(period.getStartElement())
						+ " (recorded by " + performer(record) + ")");
			}
		}
	}

	private void absenceFlags(List<String> children, Map<String, LocalDate> joined, Map<String, List<String>> reasons) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(Flag.SP_SUBJECT, subjects(children))
				.add("code", new TokenOrListParam(FLAG_CODES, "persistent-absence", "severe-absence"));
		for (var found : flags.searchForResources(search, new SystemRequestDetails())) {
			Flag flag = (Flag) found;
			String child = flag.getSubject().getReferenceElement().getIdPart();
			LocalDate day = joined.get(child);
			if (day != null && flag.getStatus() != Flag.FlagStatus.ENTEREDINERROR && openOn(flag.getPeriod(), day)) {
				// the flag's code is today's (it may have worsened since): the list says only what held on the day
				add(reasons, child, "persistently or severely absent this school year when the pupil joined (absence "
						+ "flag raised " + Primitives.day(flag.getPeriod().getStartElement()) + ")");
			}
		}
	}

	/** Each child's latest school before joining this one (an enrolment at another school). */
	private Map<String, String> previousSchools(List<String> children, Map<String, LocalDate> joined, String school) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(EpisodeOfCare.SP_PATIENT, subjects(children))
				.add(EpisodeOfCare.SP_TYPE, new TokenParam(CodeLists.EPISODE_TYPE, CodeLists.SCHOOL_ENROLMENT));
		Map<String, EpisodeOfCare> latest = new HashMap<>();
		for (var found : episodes.searchForResources(search, new SystemRequestDetails())) {
			EpisodeOfCare enrolment = (EpisodeOfCare) found;
			String at = enrolment.getManagingOrganization().getReferenceElement().toUnqualifiedVersionless().getValue();
			LocalDate start = Primitives.day(enrolment.getPeriod().getStartElement());
			String child = enrolment.getPatient().getReferenceElement().getIdPart();
			if (school.equals(at) || start == null || !start.isBefore(joined.get(child))
					|| enrolment.getStatus() == EpisodeOfCare.EpisodeOfCareStatus.CANCELLED
					|| enrolment.getStatus() == EpisodeOfCare.EpisodeOfCareStatus.ENTEREDINERROR) {
				continue; // this school, a later one, or one never on roll there
			}
			latest.merge(child, enrolment, (a, b) -> Primitives.day(a.getPeriod().getStartElement())
					.isAfter(Primitives.day(b.getPeriod().getStartElement())) ? a : b);
		}
		Map<String, String> previous = new HashMap<>();
		latest.forEach((child, enrolment) -> previous.put(child,
				enrolment.getManagingOrganization().getReferenceElement().toUnqualifiedVersionless().getValue()));
		return previous;
	}

	/** Open on the day: started on or before it, and not ending until after it (as the signals count it). */
	private static boolean openOn(Period period, LocalDate day) {
		LocalDate start = Primitives.day(period.getStartElement());
		LocalDate end = Primitives.day(period.getEndElement());
		return start != null && !start.isAfter(day) && (end == null || end.isAfter(day));
	}

	private static String performer(Observation record) {
		return record.getPerformer().isEmpty() ? "an unnamed organisation"
				: record.getPerformerFirstRep().getReferenceElement().toUnqualifiedVersionless().getValue();
	}

	private static ReferenceOrListParam subjects(List<String> children) {
		ReferenceOrListParam any = new ReferenceOrListParam();
		children.forEach(id -> any.add(new ReferenceParam("Patient/" + id)));
		return any;
	}

	private static void add(Map<String, List<String>> reasons, String child, String reason) {
		reasons.computeIfAbsent(child, k -> new ArrayList<>()).add(reason);
	}
}
