package uk.childlink.signals.events;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Task;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;
import uk.childlink.platform.Worker;
import uk.childlink.signals.SignalsProperties;

/** Makes the signals of every write, and sends them to the worklists of the organisations that hear. */
@Configuration(proxyBeanMethods = false)
class SignalsConfig implements DisposableBean, Pipeline.Contributor {

	private final SignalTrigger trigger;
	private final Worker worker;
	private final SignalsProperties settings;

	SignalsConfig(SignalsProperties settings, FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls,
			RelatedOrganisations related, DataSource dataSource, PlatformTransactionManager transactions) {
		this.settings = settings;
		SignalPolicy policy = SignalPolicy.load();
		Clock uk = Clock.system(ZoneId.of("Europe/London"));
		Outbox outbox = new Outbox(dataSource);
		SignalSender sender = new SignalSender(policy, outbox, new Recipients(policy, fhir, daos, matchUrls, related),
				new Worklist(daos.getResourceDao(Task.class)), transactions, uk);
		worker = new Worker("signals owed", settings.poll(), () -> {}, sender::sendOne);
		trigger = new SignalTrigger(policy, new OpenRecords(daos.getResourceDao(Observation.class)), outbox, settings.worker() ? worker::wakeUp : () -> {}, uk);
	}

	/** Once the search parameters are all loaded: the signals owed are sent from now on. */
	@EventListener(ContextRefreshedEvent.class)
	public void startWorker() {
		if (settings.worker()) {
			worker.start();
		}
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.SIGNALS, trigger));
	}

	@Override
	public void destroy() throws InterruptedException {
		worker.close();
	}
}
