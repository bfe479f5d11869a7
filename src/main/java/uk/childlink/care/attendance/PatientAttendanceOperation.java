package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;

/**
 * {@code GET /fhir/Patient/{id}/$attendance?start=YYYY-MM-DD&end=YYYY-MM-DD}: the child's school attendance over the
 * period, added up from the attendance records stored for it (OperationDefinition
 * {@code https://fhir.childlink.uk/OperationDefinition/patient-attendance}).
 */
class PatientAttendanceOperation {

	static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/patient-attendance";

	private final IFhirResourceDao<Patient> patients;
	private final AttendanceRecords records;

	PatientAttendanceOperation(IFhirResourceDao<Patient> patients, AttendanceRecords records) {
		this.patients = patients;
		this.records = records;
	}

	@Operation(name = "$attendance", type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
	public Parameters attendance(
			@IdParam IdType child,
			@OperationParam(name = "start", min = 1, max = 1) DateType start,
			@OperationParam(name = "end", min = 1, max = 1) DateType end,
			RequestDetails request) {
		LocalDate first = day("start", start);
		LocalDate last = day("end", end);
		if (last.isBefore(first)) {
			throw new InvalidRequestException("$attendance: end (" + last + ") is before start (" + first + ")");
		}
		patients.read(child, request); // 404 when there is no such child

		AttendanceSummary summary = records.summarise(child, first, last, request);

		Parameters out = new Parameters();
		out.addParameter("start", new DateType(first.toString()));
		out.addParameter("end", new DateType(last.toString()));
		out.addParameter("records", new IntegerType(summary.records()));
		out.addParameter("possibleSessions", new IntegerType(summary.possible()));
		out.addParameter("present", new IntegerType(summary.present()));
		out.addParameter("approvedEducationalActivity", new IntegerType(summary.approvedActivity()));
		out.addParameter("authorisedAbsence", new IntegerType(summary.authorised()));
		out.addParameter("unauthorisedAbsence", new IntegerType(summary.unauthorised()));
		addRate(out, "attendanceRate", summary.attendanceRate());
		addRate(out, "absenceRate", summary.absenceRate());
		out.addParameter("persistentAbsence", new BooleanType(summary.persistentlyAbsent()));
		out.addParameter("severeAbsence", new BooleanType(summary.severelyAbsent()));
		return out;
	}

	private static void addRate(Parameters out, String name, BigDecimal rate) {
		if (rate != null) {
			out.addParameter(name, new DecimalType(rate));
		}
	}

	private static LocalDate day(String name, DateType value) {
		if (value == null || value.getValueAsString() == null || value.getValueAsString().length() != 10) {
			throw new InvalidRequestException("$attendance needs '" + name + "' as a full date, YYYY-MM-DD");
		}
		return LocalDate.parse(value.getValueAsString());
	}
}
