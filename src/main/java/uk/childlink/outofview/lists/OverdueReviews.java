package uk.childlink.outofview.lists;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.conformance.CodeLists;
import uk.childlink.earlyyears.ReviewSchedule;
import uk.childlink.platform.Primitives;

/**
 * A health visiting service's children under 3 whose next mandated review is overdue: the children on its caseload
 * (an active health-visiting EpisodeOfCare it manages), their reviews recorded as done (finished hcp-review
 * Encounters, by any service), and the schedule of {@link ReviewSchedule}. Three searches, each bounded by the
 * service's own caseload (never another service's children).
 */
final class OverdueReviews {

	static final String HEALTH_VISITING = "health-visiting";
	private static final int CHUNK = 500;

	/** A child on the list, with the review overdue. */
	record Entry(Patient child, ReviewSchedule.Next next) {}

	private final FhirContext fhir;
	private final IFhirResourceDao<Patient> patients;
	private final IFhirResourceDao<EpisodeOfCare> episodes;
	private final IFhirResourceDao<Encounter> encounters;
	private final MatchUrlService matchUrls;
	private final ReviewSchedule schedule;

	OverdueReviews(FhirContext fhir, IFhirResourceDao<Patient> patients, IFhirResourceDao<EpisodeOfCare> episodes,
			IFhirResourceDao<Encounter> encounters, MatchUrlService matchUrls, ReviewSchedule schedule) {
		this.fhir = fhir;
		this.patients = patients;
		this.episodes = episodes;
		this.encounters = encounters;
		this.matchUrls = matchUrls;
		this.schedule = schedule;
	}

	/** The service's ({@code Organization/<id>}) children under 3 with an overdue review, longest overdue first. */
	List<Entry> of(String service, LocalDate today) {
		SearchParameterMap caseload = matchUrls.translateMatchUrl("EpisodeOfCare?type=" + CodeLists.EPISODE_TYPE + "|"
				+ HEALTH_VISITING + "&status=active&organization=" + service, fhir.getResourceDefinition("EpisodeOfCare"));
		caseload.setLoadSynchronous(true);
		Set<String> children = new LinkedHashSet<>();
		for (var found : episodes.searchForResources(caseload, new SystemRequestDetails())) {
			EpisodeOfCare episode = (EpisodeOfCare) found;
			LocalDate end = Primitives.day(episode.getPeriod().getEndElement());
			String child = episode.getPatient().getReferenceElement().getIdPart();
			if ((end == null || !end.isBefore(today)) && child != null) { // still active, and not past its end
				children.add(child);
			}
		}

		List<Patient> underThree = new ArrayList<>();
		Map<String, Set<String>> done = new HashMap<>();
		List<String> ids = new ArrayList<>(children);
		for (int i = 0; i < ids.size(); i += CHUNK) {
			List<String> chunk = ids.subList(i, Math.min(i + CHUNK, ids.size()));
			TokenOrListParam anyId = new TokenOrListParam();
			chunk.forEach(id -> anyId.add(null, id));
			SearchParameterMap young = SearchParameterMap.newSynchronous().add("_id", anyId)
					.add("birthdate", new DateParam(ParamPrefixEnum.GREATERTHAN, today.minusYears(3).toString()));
			List<String> youngIds = new ArrayList<>();
			for (var found : patients.searchForResources(young, new SystemRequestDetails())) {
				Patient child = (Patient) found;
				if (Primitives.isFalse(child.getActiveElement()) || isDeceased(child)) {
					continue; // merged into another record, or died: no review is owed
				}
				underThree.add(child);
				youngIds.add(child.getIdElement().getIdPart());
			}
			if (youngIds.isEmpty()) {
				continue;
			}
			ReferenceOrListParam anyChild = new ReferenceOrListParam();
			youngIds.forEach(id -> anyChild.add(new ReferenceParam("Patient/" + id)));
			SearchParameterMap reviews = SearchParameterMap.newSynchronous().add("subject", anyChild)
					.add("type", new TokenParam(ReviewSchedule.SYSTEM, null))
					.add("status", new TokenParam("finished"));
			for (var found : encounters.searchForResources(reviews, new SystemRequestDetails())) {
				Encounter review = (Encounter) found;
				String child = review.getSubject().getReferenceElement().getIdPart();
				review.getType().forEach(type -> type.getCoding().stream()
						.filter(c -> ReviewSchedule.SYSTEM.equals(c.getSystem()))
						.forEach(c -> done.computeIfAbsent(child, k -> new HashSet<>()).add(c.getCode())));
			}
		}

		List<Entry> list = new ArrayList<>();
		for (Patient child : underThree) {
			LocalDate born = Primitives.day(child.getBirthDateElement());
			if (born == null) {
				continue;
			}
			schedule.overdue(born, done.getOrDefault(child.getIdElement().getIdPart(), Set.of()), today)
					.ifPresent(next -> list.add(new Entry(child, next)));
		}
		list.sort(Comparator.comparing((Entry e) -> e.next().dueBy()).thenComparing(e -> e.child().getIdElement().getIdPart()));
		return list;
	}

	private static boolean isDeceased(Patient child) {
		return child.getDeceased() instanceof org.hl7.fhir.r4.model.BooleanType dead ? Primitives.isTrue(dead)
				: child.hasDeceasedDateTimeType();
	}
}
