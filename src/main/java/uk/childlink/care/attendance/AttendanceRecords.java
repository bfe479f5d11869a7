package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import uk.childlink.platform.Primitives;

/**
 * Reads a child's attendance records (Observations of the ChildLink attendance profile) and adds them up. A record
 * counts when its whole period lies within the requested one (a week that straddles the boundary is left out rather
 * than counted in full), it has not been withdrawn (entered-in-error, cancelled) and it does not lie within a longer
 * record of the same school (which already counts its sessions).
 */
class AttendanceRecords {

	static final String OBSERVATION_CODE = "https://fhir.childlink.uk/CodeSystem/observation-code";
	static final String CATEGORY = "https://fhir.childlink.uk/CodeSystem/attendance-category";

	private final IFhirResourceDao<Observation> observations;

	AttendanceRecords(IFhirResourceDao<Observation> observations) {
		this.observations = observations;
	}

	AttendanceSummary summarise(IIdType child, LocalDate start, LocalDate end, RequestDetails request) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Observation.SP_SUBJECT, new ReferenceParam(child.toUnqualifiedVersionless().getValue()))
				.add(Observation.SP_CODE, new TokenParam(OBSERVATION_CODE, "attendance-summary"))
				.add(Observation.SP_DATE, new DateRangeParam(
						new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, start.toString()),
						new DateParam(ParamPrefixEnum.LESSTHAN_OR_EQUALS, end.toString())));
		List<Observation> found = observations.search(search, request).getAllResources().stream()
				.map(Observation.class::cast)
				.filter(AttendanceRecords::counts)
				.filter(obs -> obs.getEffective() instanceof Period period && within(period, start, end))
				.toList();
		AttendanceSummary total = AttendanceSummary.NONE;
		for (Observation obs : withoutEnclosed(found)) {
			total = total.plus(summary(obs));
		}
		return total;
	}

	/**
	 * Leaves out a record that lies within a longer record of the same school (the weeks of a year for which the
	 * school also sent the year's totals, in a Common Transfer File): the longer one already counts those sessions.
	 */
	static List<Observation> withoutEnclosed(List<Observation> records) {
		return records.stream().filter(inner -> records.stream().noneMatch(outer -> outer != inner
				&& sameSchool(outer, inner) && encloses(outer.getEffectivePeriod(), inner.getEffectivePeriod())))
				.toList();
	}

	private static boolean sameSchool(Observation a, Observation b) {
		return a.hasPerformer() && b.hasPerformer() && a.getPerformerFirstRep().getReference() != null
				&& a.getPerformerFirstRep().getReference().equals(b.getPerformerFirstRep().getReference());
	}

	/** Whether {@code outer} holds {@code inner} and is longer. */
	private static boolean encloses(Period outer, Period inner) {
		LocalDate outerStart = Primitives.day(outer.getStartElement());
		LocalDate outerEnd = Primitives.day(outer.getEndElement());
		LocalDate innerStart = Primitives.day(inner.getStartElement());
		LocalDate innerEnd = Primitives.day(inner.getEndElement());
		if (outerStart == null || outerEnd == null || innerStart == null || innerEnd == null) {
			return false;
		}
		boolean holds = !innerStart.isBefore(outerStart) && !innerEnd.isAfter(outerEnd);
		return holds && (outerStart.isBefore(innerStart) || outerEnd.isAfter(innerEnd));
	}

	/** A record withdrawn by its sender (entered in error, cancelled) no longer counts. */
	static boolean counts(Observation obs) {
		return obs.getStatus() != Observation.ObservationStatus.ENTEREDINERROR
				&& obs.getStatus() != Observation.ObservationStatus.CANCELLED;
	}

	static boolean within(Period period, LocalDate start, LocalDate end) {
				LocalDate first = Primitives.day(period.getStartElement());
		LocalDate last = Primitives.day(period.getEndElement());
		return first != null && last != null && !first.isBefore(start) && !last.isAfter(end);
	}

	static AttendanceSummary summary(Observation obs) {
		return new AttendanceSummary(1, count(obs, OBSERVATION_CODE, "possible-sessions"), count(obs, CATEGORY, "present"),
				count(obs, CATEGORY, "approved-educational-activity"), count(obs, CATEGORY, "authorised"),
				count(obs, CATEGORY, "unauthorised"));
	}

	private static int count(Observation obs, String system, String code) {
		return obs.getComponent().stream()
				.filter(c -> c.getCode().getCoding().stream()
						.anyMatch(coding -> system.equals(coding.getSystem()) && code.equals(coding.getCode())))
				.filter(c -> c.getValue() instanceof IntegerType sessions && sessions.hasValue())
				.mapToInt(c -> ((IntegerType) c.getValue()).getValue())
				.sum();
	}
}
