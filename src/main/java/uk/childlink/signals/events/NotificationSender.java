package uk.childlink.signals.events;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.signals.SignalsProperties;

/**
 * Delivers the notifications owed ({@link Notifications}) to their subscriptions' endpoints: a few at a time, each
 * claimed in a statement of its own and POSTed outside any transaction with a time limit, so that a slow or broken
 * endpoint holds one delivery thread for the timeout at most and no database connection. The endpoint is checked
 * again before each delivery ({@link Endpoints}: its name may now resolve to an internal address), and redirects are
 * not followed. A failure is retried with growing waits; after {@code failuresBeforeError} in a row the subscription's
 * status becomes {@code error}, with the reason, and its notifications wait until its owner resumes it.
 *
 * <p>The notification is the Backport IG's id-only {@code history} Bundle: a SubscriptionStatus (Parameters) naming
 * the topic, the event number and, as the event's focus, the Task on the subscriber's worklist (the child as
 * additional context); never the record's content. Its Bundle id is the same at every attempt, for the receiver to
 * ignore a repeat (delivery is at least once: a process that dies after POSTing delivers again).
 */
final class NotificationSender implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
	static final String NOTIFICATION_PROFILE =
			"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";
	static final String STATUS_PROFILE =
			"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

	private final Notifications notifications;
	private final IFhirResourceDao<Subscription> subscriptions;
	private final Endpoints endpoints;
	private final SignalsProperties settings;
	private final FhirContext fhir;
	private final Runnable wakeUp;
	private final Semaphore slots;
	private final ExecutorService pool;
	private final HttpClient http;

	NotificationSender(Notifications notifications, IFhirResourceDao<Subscription> subscriptions, Endpoints endpoints,
			SignalsProperties settings, FhirContext fhir, Runnable wakeUp) {
		this.notifications = notifications;
		this.subscriptions = subscriptions;
		this.endpoints = endpoints;
		this.settings = settings;
		this.fhir = fhir;
		this.wakeUp = wakeUp;
		this.slots = new Semaphore(settings.deliveryThreads());
		this.pool = Executors.newFixedThreadPool(settings.deliveryThreads(), r -> {
			Thread thread = new Thread(r, "childlink-notification-delivery");
			thread.setDaemon(true);
			return thread;
		});
		this.http = HttpClient.newBuilder().connectTimeout(settings.deliveryTimeout())
				.followRedirects(HttpClient.Redirect.NEVER).build();
	}

	/** Starts the delivery of the next notification due; false when none is due or every delivery thread is busy. */
	boolean startOne() {
		if (!slots.tryAcquire()) {
			return false;
		}
		Optional<Notifications.Owed> owed;
		try {
			owed = notifications.claim(settings.deliveryTimeout().multipliedBy(3));
		} catch (RuntimeException e) {
			slots.release();
			throw e;
		}
		if (owed.isEmpty()) {
			slots.release();
			return false;
		}
		pool.submit(() -> {
			try {
				deliver(owed.get());
			} catch (RuntimeException e) { // the database away: the claim runs out and it is claimed again
				log.warn("Could not deliver notification {}; it is tried again later", owed.get().id(), e);
			} finally {
				slots.release();
				wakeUp.run();
			}
		});
		return true;
	}

	private void deliver(Notifications.Owed owed) {
		Subscription subscription;
		try {
			subscription = subscriptions.read(new IdType(owed.subscription()), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			notifications.dropped(owed, "the subscription was deleted");
			return;
		}
		switch (subscription.getStatus()) {
			case OFF -> {
				notifications.dropped(owed, "the subscription is off");
				return;
			}
			case ERROR -> {
				notifications.postpone(owed, Duration.ofMinutes(1));
				return;
			}
			default -> {}
		}
		String endpoint = subscription.getChannel().getEndpoint();
		String problem = endpoints.problem(endpoint).orElse(null);
		if (problem == null) {
			problem = post(subscription, endpoint, notification(owed, subscription));
		}
		if (problem == null) {
			notifications.delivered(owed);
			return;
		}
		int failures = notifications.failed(owed, problem, settings.retry());
		log.info("Notification {} to {} failed ({} in a row): {}", owed.id(), owed.subscription(), failures, problem);
		if (failures >= settings.failuresBeforeError()
				&& subscription.getStatus() == Subscription.SubscriptionStatus.ACTIVE) {
			subscription.setStatus(Subscription.SubscriptionStatus.ERROR);
			subscription.setError(failures + " deliveries in a row failed; the last: " + problem
					+ ". Set the status to requested to resume.");
			subscriptions.update(subscription, new SystemRequestDetails());
		}
	}

	/** POSTs the notification; the problem, or null when the endpoint took it (2xx). */
	private String post(Subscription subscription, String endpoint, Bundle notification) {
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(settings.deliveryTimeout())
					.header("Content-Type", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(notification)));
			for (StringType header : subscription.getChannel().getHeader()) {
				String value = header.getValue();
				int colon = value == null ? -1 : value.indexOf(':');
				if (colon > 0) {
					request.header(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
				}
			}
			HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
			return response.statusCode() / 100 == 2 ? null : "the endpoint answered HTTP " + response.statusCode();
		} catch (java.net.http.HttpTimeoutException e) {
			return "the endpoint did not answer within " + settings.deliveryTimeout().toSeconds() + " s";
		} catch (java.io.IOException | IllegalArgumentException e) {
			return "could not deliver to the endpoint: " + e.getMessage();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static Bundle notification(Notifications.Owed owed, Subscription subscription) {
		Parameters status = new Parameters();
		status.getMeta().addProfile(STATUS_PROFILE);
		status.addParameter().setName("subscription").setValue(new Reference(owed.subscription()));
		status.addParameter().setName("topic").setValue(new CanonicalType(subscription.getCriteria()));
		status.addParameter().setName("status").setValue(new CodeType("active"));
		status.addParameter().setName("type").setValue(new CodeType("event-notification"));
		status.addParameter().setName("events-since-subscription-start")
				.setValue(new StringType(Long.toString(owed.eventNumber())));
		Parameters.ParametersParameterComponent event = status.addParameter().setName("notification-event");
		event.addPart().setName("event-number").setValue(new StringType(Long.toString(owed.eventNumber())));
		event.addPart().setName("timestamp").setValue(new InstantType(Date.from(owed.occurred())));
		event.addPart().setName("focus").setValue(new Reference(owed.task()));
		event.addPart().setName("additional-context").setValue(new Reference(owed.child()));

		Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTimestamp(new Date());
		bundle.setId(UUID.nameUUIDFromBytes(("cl_notification/" + owed.id()).getBytes()).toString());
		bundle.getMeta().addProfile(NOTIFICATION_PROFILE);
		Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(status);
		entry.getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(owed.subscription() + "/$status");
		entry.getResponse().setStatus("200");
		return bundle;
	}

	@Override
	public void close() {
		pool.shutdownNow();
	}
}
