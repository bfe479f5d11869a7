package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.context.annotation.Configuration;

/** Publishes {@code Patient/$attendance}. */
@Configuration(proxyBeanMethods = false)
class AttendanceConfig {

	AttendanceConfig(RestfulServer fhirServer, DaoRegistry daoRegistry) {
		fhirServer.registerProvider(new PatientAttendanceOperation(daoRegistry.getResourceDao(Patient.class),
				new AttendanceRecords(daoRegistry.getResourceDao(Observation.class))));
	}
}
