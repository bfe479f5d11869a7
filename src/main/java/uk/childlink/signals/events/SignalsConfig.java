package uk.childlink.signals.events;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Subscription;
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

/**
 * Makes the signals of every write, sends them to the worklists of the organisations that hear, and delivers their
 * notifications to the subscriptions of those organisations; publishes {@code Subscription/{id}/$status}.
 */
@Configuration(proxyBeanMethods = false)
class SignalsConfig implements DisposableBean, Pipeline.Contributor {

	private final SignalTrigger trigger;
	private final SubscriptionRules subscriptionRules;
	private final TopicCapabilities capabilities;
	private final Worker signalWorker;
	private final Worker deliveryWorker;
	private final NotificationSender delivery;
	private final SignalsProperties settings;

	SignalsConfig(SignalsProperties settings, FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls,
			RelatedOrganisations related, DataSource dataSource, PlatformTransactionManager transactions,
			RestfulServer fhirServer) {
		this.settings = settings;
		SignalPolicy policy = SignalPolicy.load();
		Clock uk = Clock.system(ZoneId.of("Europe/London"));
		Outbox outbox = new Outbox(dataSource);
		Notifications notifications = new Notifications(dataSource);
		Endpoints endpoints = new Endpoints(settings.allowHttp(), settings.allowedNetworks());
		SignalSender sender = new SignalSender(policy, outbox, new Recipients(policy, fhir, daos, matchUrls, related),
				new Worklist(daos.getResourceDao(Task.class)), daos.getResourceDao(Subscription.class), notifications,
				transactions, uk);
		deliveryWorker = new Worker("notifications owed", settings.poll(), () -> {}, this::startDelivery);
		delivery = new NotificationSender(notifications, daos.getResourceDao(Subscription.class), endpoints, settings,
				fhir, deliveryWorker::wakeUp);
		signalWorker = new Worker("signals owed", settings.poll(), () -> {}, () -> {
			boolean sent = sender.sendOne();
			if (sent) {
				deliveryWorker.wakeUp();
			}
			return sent;
		});
		trigger = new SignalTrigger(policy, new OpenRecords(daos.getResourceDao(Observation.class)),
				new SchoolRoll(daos.getResourceDao(Patient.class), daos.getResourceDao(EpisodeOfCare.class)),
				settings.missingEducationSchoolDays(), outbox,
				settings.worker() ? signalWorker::wakeUp : () -> {}, uk);
		subscriptionRules = new SubscriptionRules(policy, endpoints, related, notifications, fhir);
		capabilities = new TopicCapabilities(policy);
		fhirServer.registerProvider(new SubscriptionStatusOperation(daos.getResourceDao(Subscription.class),
				notifications, related));
	}

	/** The delivery worker's step (a method: the sender it calls is made after the worker, which it wakes). */
	private boolean startDelivery() {
		return delivery.startOne();
	}

	/** Once the search parameters are all loaded: the signals and notifications owed are worked from now on. */
	@EventListener(ContextRefreshedEvent.class)
	public void startWorkers() {
		if (settings.worker()) {
			signalWorker.start();
			deliveryWorker.start();
		}
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.of(new Pipeline.Step(Place.SIGNALS, trigger), new Pipeline.Step(Place.SUBSCRIPTIONS, subscriptionRules),
				new Pipeline.Step(Place.SIGNAL_CAPABILITIES, capabilities));
	}

	@Override
	public void destroy() throws InterruptedException {
		signalWorker.close();
		deliveryWorker.close();
		delivery.close();
	}
}
