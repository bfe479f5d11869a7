package uk.childlink.signals.events;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;

/**
 * A child's records that are open on a day: a child protection plan, a child-in-need episode, looked-after status
 * (Observations with ChildLink's codes and a period).
 */
final class OpenRecords {

	static final String OBSERVATION_CODE = CodeLists.OBSERVATION_CODE;

	private final IFhirResourceDao<Observation> observations;

	OpenRecords(IFhirResourceDao<Observation> observations) {
		this.observations = observations;
	}

	/** Whether the child ({@code Patient/<id>}) has an open record of one of the codes on the day. */
	boolean any(String child, List<String> codes, LocalDate day) {
		if (codes.isEmpty()) {
			return true;
		}
		TokenOrListParam anyCode = new TokenOrListParam();
		codes.forEach(code -> anyCode.add(OBSERVATION_CODE, code));
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Observation.SP_SUBJECT, new ReferenceParam(child))
				.add(Observation.SP_CODE, anyCode);
		return observations.searchForResources(search, new SystemRequestDetails()).stream()
				.anyMatch(found -> open((Observation) found, day));
	}

	/** Open on the day: a period with no end, or one ending after the day; not entered in error or cancelled. */
	static boolean open(Observation obs, LocalDate day) {
		if (obs.getStatus() == Observation.ObservationStatus.ENTEREDINERROR
				|| obs.getStatus() == Observation.ObservationStatus.CANCELLED || !(obs.getEffective() instanceof Period)) {
			return false;
		}
		Period period = obs.getEffectivePeriod();
		if (!period.hasEnd()) {
			return true;
		}
		LocalDate end = Primitives.day(period.getEndElement());
		return end != null && end.isAfter(day);
	}

	/** The Observation's ChildLink code, or null. */
	static String ourCode(Observation obs) {
		return obs.getCode().getCoding().stream().filter(c -> OBSERVATION_CODE.equals(c.getSystem()))
				.map(c -> c.getCode()).findFirst().orElse(null);
	}
}
