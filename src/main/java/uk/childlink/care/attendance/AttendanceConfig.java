package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/** Publishes {@code Patient/$attendance} and keeps the absence flags in step with attendance records. */
@Configuration(proxyBeanMethods = false)
class AttendanceConfig implements DisposableBean, Pipeline.Contributor {

	private final AbsenceFlagTrigger flagTrigger;
	private final ServerKeptFlags serverKept = new ServerKeptFlags();

	AttendanceConfig(RestfulServer fhirServer, DaoRegistry daoRegistry) {
		AttendanceRecords records = new AttendanceRecords(daoRegistry.getResourceDao(Observation.class));
		fhirServer.registerProvider(new PatientAttendanceOperation(daoRegistry.getResourceDao(Patient.class), records));
		flagTrigger = new AbsenceFlagTrigger(new AbsenceFlags(daoRegistry.getResourceDao(Flag.class),
				daoRegistry.getResourceDao(Patient.class), records, Clock.system(ZoneId.of("Europe/London"))));
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.SERVER_KEPT_FLAGS, serverKept),
				new Pipeline.Step(Place.DERIVED, flagTrigger));
	}

	@Override
	public void destroy() {
		flagTrigger.close();
	}
}
