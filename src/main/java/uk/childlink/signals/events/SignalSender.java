package uk.childlink.signals.events;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the signals owed ({@link Outbox}), oldest first, one per transaction: who hears ({@link Recipients}), a Task
 * on each one's worklist ({@link Worklist}), a notification owed to each of their active subscriptions to the topic
 * ({@link Notifications}), and the signal marked sent, all committed together. A failure leaves it owed, tried again later.
 */
final class SignalSender {

	private static final Logger log = LoggerFactory.getLogger(SignalSender.class);

	private final SignalPolicy policy;
	private final Outbox outbox;
	private final Recipients recipients;
	private final Worklist worklist;
	private final IFhirResourceDao<Subscription> subscriptions;
	private final Notifications notifications;
	private final TransactionTemplate transactions;
	private final Clock clock;

	SignalSender(SignalPolicy policy, Outbox outbox, Recipients recipients, Worklist worklist,
			IFhirResourceDao<Subscription> subscriptions, Notifications notifications,
			PlatformTransactionManager transactions, Clock clock) {
		this.subscriptions = subscriptions;
		this.notifications = notifications;
		this.policy = policy;
		this.outbox = outbox;
		this.recipients = recipients;
		this.worklist = worklist;
		this.transactions = new TransactionTemplate(transactions);
		this.clock = clock;
	}

	/** Sends the next signal due; false when none is due. */
	boolean sendOne() {
		long[] id = {-1};
		try {
			return Boolean.TRUE.equals(transactions.execute(status -> {
				Optional<Signal> next = outbox.next();
				if (next.isEmpty()) {
					return false;
				}
				Signal signal = next.get();
				id[0] = signal.id();
				outbox.sent(signal.id(), send(signal));
				return true;
			}));
		} catch (RuntimeException e) {
			if (id[0] < 0) {
				throw e;
			}
			log.warn("Could not send signal {}; it is tried again later", id[0], e);
			transactions.executeWithoutResult(status -> outbox.failed(id[0]));
			return true;
		}
	}

	/** The organisation's active subscriptions ({@code Subscription/<id>}) to the topic. */
	private List<String> activeSubscriptions(String organisation, SignalPolicy.Topic topic) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add("subscriber", new ReferenceParam(organisation))
				.add(Subscription.SP_CRITERIA, new StringParam(SubscriptionRules.TOPIC_BASE + topic.code()).setExact(true))
				.add(Subscription.SP_STATUS, new TokenParam("active"));
		return subscriptions.searchForResources(search, new SystemRequestDetails()).stream()
				.map(found -> "Subscription/" + found.getIdElement().getIdPart()).toList();
	}

	/** How many organisations hear it. */
	private int send(Signal signal) {
		SignalPolicy.Topic topic = policy.topic(signal.topic()).orElse(null);
		LocalDate today = LocalDate.now(clock);
		if (topic == null || !topic.events().containsKey(signal.event())) {
			log.warn("Signal {} is of {} {}, which signals/topics.json no longer has: not sent", signal.id(),
					signal.topic(), signal.event());
			return 0;
		}
		if (topic.unlessFound() != null && recipients.anyFound(topic.unlessFound(), signal, today)) {
			log.debug("Signal {} ({} {}) of {} is no longer owed: not sent", signal.id(), signal.topic(), signal.event(),
					signal.child());
			return 0;
		}
		Set<String> organisations = recipients.of(topic, signal, today);
		for (String organisation : organisations) {
			String task = worklist.add(topic, signal, organisation);
			for (String subscription : activeSubscriptions(organisation, topic)) {
				notifications.add(subscription, signal.id(), topic.code(), task, signal.child());
			}
		}
		log.debug("Signal {} ({} {}) of {} sent to {}", signal.id(), signal.topic(), signal.event(), signal.child(),
				organisations);
		return organisations.size();
	}
}
