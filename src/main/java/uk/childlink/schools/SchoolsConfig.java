package uk.childlink.schools;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.conformance.CodeLists;
import uk.childlink.identity.ChildMatching;
import uk.childlink.schools.ctf.CtfImports;
import uk.childlink.schools.attendance.AttendanceCodes;
import uk.childlink.schools.attendance.AttendanceImportOperation;
import uk.childlink.schools.attendance.MarksImport;
import uk.childlink.schools.imports.Directory;
import uk.childlink.schools.imports.ImportWorkers;
import uk.childlink.platform.AdvisoryLocks;
import uk.childlink.schools.attendance.WeekStore;

/** Publishes the school-data imports: {@code $import-attendance} and {@code $import-ctf}. */
@Configuration(proxyBeanMethods = false)
class SchoolsConfig implements DisposableBean {

	static final Clock LONDON = Clock.system(ZoneId.of("Europe/London"));

	private final ImportWorkers workers;

	SchoolsConfig(RestfulServer fhirServer, DaoRegistry daos, CodeLists codeLists, SchoolsProperties properties,
			ChildMatching matching, FhirContext fhirContext, AdvisoryLocks locks) {
		AttendanceCodes codes = new AttendanceCodes(codeLists);
		@SuppressWarnings("unchecked")
		IFhirSystemDao<Bundle, Meta> system = daos.getSystemDao();
		workers = new ImportWorkers(properties.workers());
		WeekStore weeks = new WeekStore(daos.getResourceDao(Observation.class), system, codes, workers, locks);
		fhirServer.registerProvider(new AttendanceImportOperation(
				() -> new MarksImport(directory(daos), weeks, codes, LONDON, properties.weeksInMemory()),
				properties.maxUploadSize().toBytes()));
		fhirServer.registerProvider(new CtfImports(daos, system, () -> directory(daos), matching, codeLists, codes,
				weeks, workers, LONDON).operation(properties.maxUploadSize().toBytes(), fhirContext));
	}

	@Override
	public void destroy() {
		workers.close();
	}

	private static Directory directory(DaoRegistry daos) {
		return new Directory(daos.getResourceDao(Organization.class), daos.getResourceDao(Patient.class),
				new SystemRequestDetails());
	}
}
