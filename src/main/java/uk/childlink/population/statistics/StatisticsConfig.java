package uk.childlink.population.statistics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import uk.childlink.population.PopulationProperties;

/** Publishes {@code Measure/pupil-absence/$evaluate-measure} and the fortnightly attendance statistics. */
@Configuration(proxyBeanMethods = false)
class StatisticsConfig implements DisposableBean {

	private final StatisticsSchedule schedule;
	private final PopulationProperties population;

	StatisticsConfig(RestfulServer fhirServer, DaoRegistry daoRegistry, DataSource dataSource,
			PopulationProperties population) {
		this.population = population;
		StatisticsPublisher publisher = new StatisticsPublisher(daoRegistry.getResourceDao(Organization.class),
				daoRegistry.getResourceDao(MeasureReport.class), new AbsenceStatistics(dataSource));
		fhirServer.registerProvider(new StatisticsOperations(publisher));
		schedule = new StatisticsSchedule(dataSource, publisher, Clock.system(ZoneId.of("Europe/London")),
				population.statisticsEvery());
	}

	/** Once the conformance resources (the Measure, the report's profile) are loaded. */
	@EventListener(ContextRefreshedEvent.class)
	public void startSchedule() {
		if (!population.statisticsEvery().isZero()) {
			schedule.start();
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		schedule.close();
	}
}
