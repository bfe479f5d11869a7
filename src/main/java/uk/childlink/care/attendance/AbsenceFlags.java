package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.conformance.CodeLists;

/**
 * Keeps one absence Flag per child in step with the child's attendance over the current school year: raised when the
 * child becomes persistently absent (10%+ of possible sessions missed), changed to severe at 50%+, and made
 * inactive, with an end date, when the child no longer is. The flag is found by its identifier
 * ({@code https://fhir.childlink.uk/Id/absence-flag|<patient id>}), so it is never duplicated.
 */
class AbsenceFlags {

	static final String IDENTIFIER = "https://fhir.childlink.uk/Id/absence-flag";
	static final String CODES = "https://fhir.childlink.uk/CodeSystem/flag-code";
	static final String AGENCY = CodeLists.AGENCY;
	private static final Logger log = LoggerFactory.getLogger(AbsenceFlags.class);

	private final IFhirResourceDao<Flag> flags;
	private final IFhirResourceDao<Patient> patients;
	private final AttendanceRecords records;
	private final Clock clock;

	AbsenceFlags(IFhirResourceDao<Flag> flags, IFhirResourceDao<Patient> patients, AttendanceRecords records,
			Clock clock) {
		this.flags = flags;
		this.patients = patients;
		this.records = records;
		this.clock = clock;
	}

	/** Brings the child's absence flag up to date with the records stored now. */
	void refresh(IIdType child) {
		SystemRequestDetails request = new SystemRequestDetails();
		IIdType patient = child.toUnqualifiedVersionless();
		LocalDate today = LocalDate.now(clock);
		if (!exists(patient, request)) {
			// deleted, or merged into another record (whose own flag speaks for the child): close this one
			Flag orphan = existing(patient, request);
			if (orphan != null && orphan.getStatus() == Flag.FlagStatus.ACTIVE) {
				orphan.setStatus(Flag.FlagStatus.INACTIVE);
				orphan.getPeriod().setEndElement(new DateTimeType(today.toString()));
				flags.update(orphan, request);
			}
			return;
		}
		SchoolYear year = SchoolYear.containing(today);
		AttendanceSummary summary = records.summarise(patient, year.start(), year.end(), request);
		String wanted = summary.severelyAbsent() ? "severe-absence"
				: summary.persistentlyAbsent() ? "persistent-absence" : null;

		Flag flag = existing(patient, request);
		if (flag == null && wanted == null) {
			return;
		}
		if (flag == null) {
			flag = new Flag();
			flag.addIdentifier().setSystem(IDENTIFIER).setValue(patient.getIdPart());
			flag.addCategory().addCoding().setSystem(AGENCY).setCode("education");
			flag.setSubject(new Reference(patient.getValue()));
		}
		boolean active = flag.getStatus() == Flag.FlagStatus.ACTIVE;
		String current = active ? flag.getCode().getCodingFirstRep().getCode() : null;
		if (wanted == null ? !active : wanted.equals(current) && text(summary, year).equals(textOf(flag))) {
			return; // already says what the records say
		}
		if (wanted == null) {
			flag.setStatus(Flag.FlagStatus.INACTIVE);
			flag.getPeriod().setEndElement(new DateTimeType(today.toString()));
		} else {
			if (!active) {
				flag.getPeriod().setStartElement(new DateTimeType(today.toString())).setEndElement(null);
			}
			flag.setStatus(Flag.FlagStatus.ACTIVE);
			flag.getCode().getCoding().clear();
			flag.getCode().addCoding().setSystem(CODES).setCode(wanted).setDisplay(display(wanted));
		}
		flag.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString(
				"<div xmlns=\"http://www.w3.org/1999/xhtml\">" + text(summary, year) + "</div>");
		if (flag.getIdElement().hasIdPart()) {
			flags.update(flag, request);
		} else {
			flags.update(flag, "Flag?identifier=" + IDENTIFIER + "|" + patient.getIdPart(), request);
		}
		log.debug("Absence flag of {} is now {}", patient.getValue(), wanted == null ? "inactive" : wanted);
	}

	/**
	 * Whether the child's record is there and not deleted: HAPI's row of the record, not the record read and parsed
	 * (which was a quarter of a refresh's time).
	 */
	private boolean exists(IIdType patient, SystemRequestDetails request) {
		try {
			return patients.readEntity(patient, request).getDeleted() == null;
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			return false;
		}
	}

	private Flag existing(IIdType patient, SystemRequestDetails request) {
		List<Flag> found = flags.search(SearchParameterMap.newSynchronous()
						.add(Flag.SP_IDENTIFIER, new TokenParam(IDENTIFIER, patient.getIdPart())), request)
				.getAllResources().stream().map(Flag.class::cast).toList();
		return found.isEmpty() ? null : found.get(0);
	}

	static String text(AttendanceSummary summary, SchoolYear year) {
		if (summary.possible() == 0) {
			return "No possible sessions recorded in school year " + year.label() + ".";
		}
		return summary.absenceRate() + "% of " + summary.possible() + " possible sessions missed in school year "
				+ year.label() + " (" + summary.authorised() + " authorised, " + summary.unauthorised()
				+ " unauthorised).";
	}

	private static String textOf(Flag flag) {
		String div = flag.getText().getDivAsString();
		return div == null ? "" : div.replaceAll("<[^>]+>", "");
	}

	private static String display(String code) {
		return code.equals("severe-absence")
				? "Severely absent from school this school year (50% or more of possible sessions missed)"
				: "Persistently absent from school this school year (10% or more of possible sessions missed)";
	}
}
