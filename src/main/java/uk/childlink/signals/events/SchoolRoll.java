package uk.childlink.signals.events;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Objects;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;

/**
 * What the roll events need of a child's record, read in the write's own transaction: the birth date, and the school of
 * the child's latest enrolment before this one (school-enrolment EpisodeOfCare).
 */
final class SchoolRoll {

	private final IFhirResourceDao<Patient> patients;
	private final IFhirResourceDao<EpisodeOfCare> episodes;

	SchoolRoll(IFhirResourceDao<Patient> patients, IFhirResourceDao<EpisodeOfCare> episodes) {
		this.patients = patients;
		this.episodes = episodes;
	}

	static boolean enrolment(EpisodeOfCare episode) {
		return episode.getType().stream().flatMap(type -> type.getCoding().stream())
				.anyMatch(c -> CodeLists.EPISODE_TYPE.equals(c.getSystem()) && CodeLists.SCHOOL_ENROLMENT.equals(c.getCode()));
	}

	/** The child's ({@code Patient/<id>}) birth date; null if unknown or the child is not there. */
	LocalDate birthDate(String child) {
		try {
			return Primitives.day(patients.read(new IdType(child), new SystemRequestDetails()).getBirthDateElement());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return null;
		}
	}

	/**
	 * The school ({@code Organization/<id>}) of the child's latest enrolment, by admission date, other than
	 * {@code except} (entered in error or cancelled ones aside); null if none.
	 */
	String previousSchool(String child, String except) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(EpisodeOfCare.SP_PATIENT, new ReferenceParam(child))
				.add(EpisodeOfCare.SP_TYPE, new TokenParam(CodeLists.EPISODE_TYPE, CodeLists.SCHOOL_ENROLMENT));
		return episodes.searchForResources(search, new SystemRequestDetails()).stream()
				.map(EpisodeOfCare.class::cast)
				.filter(e -> !Objects.equals(except, "EpisodeOfCare/" + e.getIdElement().getIdPart()))
				.filter(e -> e.getStatus() != EpisodeOfCare.EpisodeOfCareStatus.ENTEREDINERROR
						&& e.getStatus() != EpisodeOfCare.EpisodeOfCareStatus.CANCELLED)
				.filter(e -> Primitives.day(e.getPeriod().getStartElement()) != null)
				.max(Comparator.comparing((EpisodeOfCare e) -> Primitives.day(e.getPeriod().getStartElement())))
				.map(e -> e.getManagingOrganization().getReferenceElement().toUnqualifiedVersionless().getValue())
				.orElse(null);
	}
}
