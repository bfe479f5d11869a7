package uk.childlink.schools.ctf;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.platform.WriteRequests;
import uk.childlink.access.Caller;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.schools.attendance.AttendanceWeek;
import uk.childlink.schools.attendance.WeekStore;
import uk.childlink.schools.imports.Entries;

/**
 * One pupil's transaction: the child's record (matched, or new) with all its CTF records and attendance weeks, each
 * written only when it differs from what is stored; nothing when all is as stored.
 */
final class PupilTransaction {

	private final IFhirResourceDao<Observation> observations;
	private final IFhirSystemDao<Bundle, Meta> system;
	private final PupilMatcher matcher;
	private final CtfMapping mapping;
	private final WeekStore weeks;

	PupilTransaction(IFhirResourceDao<Observation> observations, IFhirSystemDao<Bundle, Meta> system,
			PupilMatcher matcher, CtfMapping mapping, WeekStore weeks) {
		this.observations = observations;
		this.system = system;
		this.matcher = matcher;
		this.mapping = mapping;
		this.weeks = weeks;
	}

	CtfImport.PupilOutcome write(CtfPupil p, CtfImport.Start start, Map<LocalDate, AttendanceWeek> marked,
			List<CtfPupil.YearData> totals, List<String> notes) {
		SystemRequestDetails request = Caller.carry(start.onBehalfOf(), TrustedWrites.mark(new SystemRequestDetails()));
		List<String> messages = new ArrayList<>(notes);
		PupilMatcher.Match match = matcher.match(p, request, messages);
		if (match.rejection() != null) {
			messages.add(0, match.rejection());
			return new CtfImport.PupilOutcome(p.line(), p.upn(), CtfImport.Status.REJECTED, null, messages);
		}
		Patient stored = match.child();
		LocalDate later = stored == null ? null : CtfMapping.ctfDate(stored);
		if (later != null && later.isAfter(start.header().asOf())) {
			messages.add(0, "Patient/" + stored.getIdElement().getIdPart() + " holds the details of a later CTF (dated "
					+ later + "); this file, dated " + start.header().asOf() + ", would put older ones back");
			return new CtfImport.PupilOutcome(p.line(), p.upn(), CtfImport.Status.REJECTED, null, messages);
		}
		String patientId = stored != null ? stored.getIdElement().getIdPart() : "ctf-" + UUID.randomUUID();
		Patient child = mapping.patient(stored, p, start.header());

		Map<String, Observation> storedRecords = stored == null ? Map.of() : storedRecords(patientId, request);
		Map<String, Observation> records = mapping.records(p, start.header(), patientId, start.schoolId(), storedRecords);
		for (CtfPupil.YearData year : totals) {
			int startYear = Integer.parseInt(year.year().substring(0, 4));
			LocalDate first = year.start() != null ? year.start() : LocalDate.of(startYear, 9, 1);
			LocalDate last = LocalDate.of(startYear + 1, 8, 31);
			last = last.isAfter(start.header().asOf()) ? start.header().asOf() : last;
			String key = start.header().sourceUrn() + "-" + patientId + "-year-" + startYear;
			records.put(key, mapping.yearTotals(year, startYear, first, last, key, patientId, start.schoolId()));
		}

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		if (stored == null) {
			child.setId("Patient/" + patientId);
			transaction.addEntry().setResource(child).getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl("Patient/" + patientId);
		} else if (!Entries.sameContent(stored, child)) {
			transaction.addEntry(Entries.upsert(child, stored));
		}
		for (Map.Entry<String, Observation> record : records.entrySet()) {
			Observation before = storedRecords.get(record.getKey());
			if (stored == null) {
				transaction.addEntry(Entries.create(record.getValue())); // a new child has no records yet
			} else if (before == null || !Entries.sameContent(before, record.getValue())) {
				transaction.addEntry(Entries.upsert(record.getValue(), before));
			}
		}
		List<WeekStore.Pending> pending = new ArrayList<>();
		marked.forEach((monday, week) -> pending.add(new WeekStore.Pending(
				AttendanceWeek.key(start.header().sourceUrn(), patientId, monday), monday, patientId, start.schoolId(),
				week, p.line(), 0)));
		// the weeks are read, merged and written while no other import, in any server process, writes them
		return weeks.exclusively(pending, () -> {
			(stored == null ? weeks.createsForNewChild(pending) : weeks.plan(pending, request).entries())
					.forEach(transaction::addEntry);
			if (!transaction.hasEntry()) {
				return new CtfImport.PupilOutcome(p.line(), p.upn(), CtfImport.Status.UNCHANGED, patientId, messages);
			}
			system.transaction(WriteRequests.mark(request), transaction);
			return new CtfImport.PupilOutcome(p.line(), p.upn(), stored == null ? CtfImport.Status.CREATED : CtfImport.Status.UPDATED, patientId,
					messages);
		});
	}

	private Map<String, Observation> storedRecords(String patientId, RequestDetails request) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Observation.SP_SUBJECT, new ReferenceParam("Patient/" + patientId))
				.add(Observation.SP_IDENTIFIER, new TokenParam(CtfMapping.RECORD, null));
		Map<String, Observation> byKey = new HashMap<>();
		for (var resource : observations.search(search, request).getAllResources()) {
			Observation obs = (Observation) resource;
			obs.getIdentifier().stream().filter(i -> CtfMapping.RECORD.equals(i.getSystem()))
					.forEach(i -> byKey.put(i.getValue(), obs));
		}
		return byKey;
	}
}
