package uk.childlink.population.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Binary;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;
import uk.childlink.population.PopulationProperties;

/**
 * Publishes HAPI's FHIR Bulk Data export ({@code $export} at system, Group and Patient level, {@code $export-poll-status})
 * with ChildLink's rules ({@link ExportRules}, {@link ExportWrites}) and the removal of its files ({@link ExportFiles}).
 */
@Configuration(proxyBeanMethods = false)
class ExportConfig implements Pipeline.Contributor, DisposableBean {

	private final ExportFiles files;
	private final ExportRules rules;
	private final ExportWrites writes;

	ExportConfig(RestfulServer fhirServer, ObjectProvider<BulkDataExportProvider> exportProvider,
			JpaStorageSettings storage, FhirContext fhir, MatchUrlService matchUrls, IJobCoordinator jobs,
			IJobMaintenanceService maintenance, RelatedOrganisations related,
			DataSource dataSource, DaoRegistry daos, PopulationProperties population) {
		// each export is its requester's: never handed to another caller who asks the same
		storage.setEnableBulkExportJobReuse(false);
		// ExportFiles removes the files, expunged; HAPI's own clean-up (an hour later) then forgets the job
		storage.setBulkExportFileRetentionPeriodHours((int) Math.max(1, population.exportRetention().toHours()) + 1);
		storage.setExpungeEnabled(true);
		fhirServer.registerProvider(exportProvider.getObject());
		files = new ExportFiles(daos.getResourceDao(Binary.class), jobs, dataSource, population.exportRetention());
		rules = new ExportRules(fhir, matchUrls, jobs, maintenance, dataSource, files, related);
		writes = new ExportWrites(fhir, jobs, new PseudonymKeys(dataSource));
	}

	@EventListener(ContextRefreshedEvent.class)
	public void startRemovingFiles() {
		files.start();
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.EXPORT, rules), new Pipeline.Step(Place.EXPORT_WRITES, writes));
	}

	@Override
	public void destroy() throws InterruptedException {
		files.close();
	}
}
