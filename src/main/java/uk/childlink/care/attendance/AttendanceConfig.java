package uk.childlink.care.attendance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import uk.childlink.care.CareProperties;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/** Publishes {@code Patient/$attendance} and keeps the absence flags in step with attendance records. */
@Configuration(proxyBeanMethods = false)
class AttendanceConfig implements DisposableBean, Pipeline.Contributor {

	private final AbsenceFlagTrigger flagTrigger;
	private final AbsenceFlagWorker flagWorker;
	private final AttendanceIndex index;
	private final FlagWork work;
	private final DaoRegistry daoRegistry;
	private final ServerKeptFlags serverKept = new ServerKeptFlags();
	private final CareProperties care;

	AttendanceConfig(RestfulServer fhirServer, DaoRegistry daoRegistry, DataSource dataSource,
			PartitionSettings partitions, PlatformTransactionManager transactions, CareProperties care) {
		this.care = care;
		AttendanceRecords records = new AttendanceRecords(daoRegistry.getResourceDao(Observation.class));
		fhirServer.registerProvider(new PatientAttendanceOperation(daoRegistry.getResourceDao(Patient.class), records));
		Clock uk = Clock.system(ZoneId.of("Europe/London"));
		this.daoRegistry = daoRegistry;
		work = new FlagWork(dataSource, partitions);
		index = new AttendanceIndex(dataSource);
		flagWorker = new AbsenceFlagWorker(work, new AbsenceFlags(daoRegistry.getResourceDao(Flag.class),
				daoRegistry.getResourceDao(Patient.class), records, uk), transactions, uk, care.flagPoll());
		flagTrigger = new AbsenceFlagTrigger(work, care.flagWorker() ? flagWorker::wakeUp : () -> {}, uk);
	}

	/**
	 * Once the search parameters are all loaded: the records stored before the statistics table existed are counted
	 * into it (once), and the flags owed are worked through from now on.
	 */
	@EventListener(ContextRefreshedEvent.class)
	public void startFlagWorker() {
		index.backfill(work.attendanceCodeHash, daoRegistry.getResourceDao(Observation.class));
		if (care.flagWorker()) {
			flagWorker.start();
		}
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.SERVER_KEPT_FLAGS, serverKept),
				new Pipeline.Step(Place.DERIVED, flagTrigger), new Pipeline.Step(Place.RECORD_COUNTS, index));
	}

	@Override
	public void destroy() throws InterruptedException {
		flagWorker.close();
	}
}
