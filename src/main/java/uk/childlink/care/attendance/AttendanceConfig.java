package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;

/** Publishes {@code Patient/$attendance} and keeps the absence flags in step with attendance records. */
@Configuration(proxyBeanMethods = false)
class AttendanceConfig implements DisposableBean {

	private final AbsenceFlagTrigger flagTrigger;

	AttendanceConfig(RestfulServer fhirServer, DaoRegistry daoRegistry, IInterceptorService storageInterceptors) {
		AttendanceRecords records = new AttendanceRecords(daoRegistry.getResourceDao(Observation.class));
		fhirServer.registerProvider(new PatientAttendanceOperation(daoRegistry.getResourceDao(Patient.class), records));
		flagTrigger = new AbsenceFlagTrigger(new AbsenceFlags(daoRegistry.getResourceDao(Flag.class),
				daoRegistry.getResourceDao(Patient.class), records, Clock.system(ZoneId.of("Europe/London"))));
		storageInterceptors.registerInterceptor(flagTrigger);
	}

	@Override
	public void destroy() {
		flagTrigger.close();
	}
}
