package uk.childlink.care;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;

/** {@code Patient/{id}/$attendance}: a child's attendance over a period, from the weeks stored for it. */
class AttendanceOperationIT extends IntegrationTest {

	private static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/patient-attendance";

	@Test
	void addsUpTheWeeksWithinThePeriod() {
		IGenericClient client = client();
		Reference school = new Reference(client.create().resource(Records.school(Records.nextUrn())).execute().getId()
				.toUnqualifiedVersionless().getValue());
		Reference child = new Reference(client.create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Week",
				"Wynn", "2016-04-04")).execute().getId().toUnqualifiedVersionless().getValue());
		client.create().resource(Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 10, 0, 0)).execute();
		client.create().resource(Records.attendanceWeek(child, school, "2026-09-14", "2026-09-18", 8, 1, 1)).execute();
		client.create().resource(Records.attendanceWeek(child, school, "2026-09-21", "2026-09-25", 4, 6, 0)).execute();
		// withdrawn by the school: left out
		client.create().resource(Records.attendanceWeek(child, school, "2026-09-14", "2026-09-18", 0, 0, 10)
				.setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.ENTEREDINERROR)).execute();
		// straddles the end of the period: left out
		client.create().resource(Records.attendanceWeek(child, school, "2026-09-28", "2026-10-02", 0, 0, 10)).execute();

		Parameters september = attendance(child, "2026-09-01", "2026-09-30");

		assertThat(integer(september, "records")).isEqualTo(3);
		assertThat(integer(september, "possibleSessions")).isEqualTo(30);
		assertThat(integer(september, "present")).isEqualTo(22);
		assertThat(integer(september, "authorisedAbsence")).isEqualTo(7);
		assertThat(integer(september, "unauthorisedAbsence")).isEqualTo(1);
		assertThat(september.getParameterValue("attendanceRate").primitiveValue()).isEqualTo("73.3");
		assertThat(september.getParameterValue("absenceRate").primitiveValue()).isEqualTo("26.7");
		assertThat(bool(september, "persistentAbsence")).isTrue();
		assertThat(bool(september, "severeAbsence")).isFalse();

		Parameters firstWeek = attendance(child, "2026-09-07", "2026-09-11");
		assertThat(firstWeek.getParameterValue("attendanceRate").primitiveValue()).isEqualTo("100.0");
		assertThat(bool(firstWeek, "persistentAbsence")).isFalse();

		Parameters withTheLastWeek = attendance(child, "2026-09-01", "2026-10-02");
		assertThat(bool(withTheLastWeek, "severeAbsence")).isFalse();
		assertThat(integer(withTheLastWeek, "unauthorisedAbsence")).isEqualTo(11);
	}

	@Test
	void aPeriodWithoutRecordsHasNoRateAndNoAbsence() {
		Reference child = new Reference(client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "None",
				"Nell", "2016-05-05")).execute().getId().toUnqualifiedVersionless().getValue());

		Parameters none = attendance(child, "2026-01-01", "2026-01-31");

		assertThat(integer(none, "possibleSessions")).isZero();
		assertThat(none.getParameter("attendanceRate")).isNull();
		assertThat(bool(none, "persistentAbsence")).isFalse();
	}

	@Test
	void badRequestsGetAClearOutcome() {
		Reference child = new Reference(client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Bad",
				"Bea", "2016-06-06")).execute().getId().toUnqualifiedVersionless().getValue());

		assertOutcome(http().get("/fhir/" + child.getReference() + "/$attendance?start=2026-09-30&end=2026-09-01"),
				400, "is before start");
		assertOutcome(http().get("/fhir/" + child.getReference() + "/$attendance?start=2026-09&end=2026-09-30"),
				400, "full date");
		assertOutcome(http().get("/fhir/" + child.getReference() + "/$attendance?end=2026-09-30"), 400, "start");
		assertOutcome(http().get("/fhir/Patient/no-such-child/$attendance?start=2026-09-01&end=2026-09-30"), 404,
				"no-such-child");
	}

	@Test
	void theOperationIsPublished() {
		// HAPI answers reads of OperationDefinition/{id} from its own operations; ours is found by its URL
		Bundle definitions = client().search().byUrl("OperationDefinition?url=" + CANONICAL).returnBundle(Bundle.class)
				.execute();
		assertThat(definitions.getEntry()).hasSize(1);
		assertThat(((org.hl7.fhir.r4.model.OperationDefinition) definitions.getEntryFirstRep().getResource()).getCode())
				.isEqualTo("attendance");

		var capabilities = client().capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
		List<String> operations = capabilities.getRestFirstRep().getResource().stream()
				.filter(r -> r.getType().equals("Patient")).flatMap(r -> r.getOperation().stream())
				.map(o -> o.getDefinition()).toList();
		assertThat(operations).contains(CANONICAL);
	}

	private Parameters attendance(Reference child, String start, String end) {
		RawHttp.Response response = http().get("/fhir/" + child.getReference() + "/$attendance?start=" + start + "&end=" + end);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return (Parameters) FHIR.newJsonParser().parseResource(response.body());
	}

	private static void assertOutcome(RawHttp.Response response, int status, String text) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		OperationOutcome outcome = (OperationOutcome) FHIR.newJsonParser().parseResource(response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(text);
	}

	private static int integer(Parameters parameters, String name) {
		return Integer.parseInt(parameters.getParameterValue(name).primitiveValue());
	}

	private static boolean bool(Parameters parameters, String name) {
		return Boolean.parseBoolean(parameters.getParameterValue(name).primitiveValue());
	}
}
