package uk.childlink.signals.events;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Date;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import uk.childlink.access.Caller;
import uk.childlink.access.RelatedOrganisations;

/**
 * {@code GET /fhir/Subscription/{id}/$status}: the Backport IG's SubscriptionStatus of one of the caller's
 * subscriptions: its status, how many events it has had, and the last delivery error (with when it happened), so that
 * a subscriber sees why its notifications stopped. Another organisation's subscription is not known to the caller.
 */
final class SubscriptionStatusOperation {

	private final IFhirResourceDao<Subscription> subscriptions;
	private final Notifications notifications;
	private final RelatedOrganisations organisations;

	SubscriptionStatusOperation(IFhirResourceDao<Subscription> subscriptions, Notifications notifications,
			RelatedOrganisations organisations) {
		this.subscriptions = subscriptions;
		this.notifications = notifications;
		this.organisations = organisations;
	}

	@Operation(name = "$status", idempotent = true, type = Subscription.class)
	public Parameters status(@IdParam IdType id, RequestDetails request) {
		Subscription subscription = subscriptions.read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
		Caller caller = Caller.of(request).orElse(null);
		if (caller != null && !caller.isAdmin() && !isOwnedBy(subscription, caller)) {
			throw new ResourceNotFoundException("Subscription/" + id.getIdPart() + " is not known");
		}
		String reference = "Subscription/" + id.getIdPart();
		Notifications.State state = notifications.state(reference);
		Parameters status = new Parameters();
		status.getMeta().addProfile(NotificationSender.STATUS_PROFILE);
		status.addParameter().setName("subscription").setValue(new Reference(reference));
		status.addParameter().setName("topic").setValue(new CanonicalType(subscription.getCriteria()));
		status.addParameter().setName("status").setValue(new CodeType(subscription.getStatus().toCode()));
		status.addParameter().setName("type").setValue(new CodeType("query-status"));
		status.addParameter().setName("events-since-subscription-start")
				.setValue(new StringType(Long.toString(state.events())));
		if (state.lastError() != null) {
			status.addParameter().setName("error").setValue(new CodeableConcept().setText(state.lastError() + " (at "
					+ new org.hl7.fhir.r4.model.InstantType(Date.from(state.lastErrorAt())).getValueAsString()
					+ "; " + state.failures() + " failed deliveries in a row)"));
		}
		return status;
	}

	private boolean isOwnedBy(Subscription subscription, Caller caller) {
		Extension subscriber = subscription.getExtensionByUrl(SubscriptionRules.SUBSCRIBER);
		String owner = subscriber != null && subscriber.getValue() instanceof Reference ref
				? ref.getReferenceElement().getIdPart() : null;
		return owner != null && organisations.organisationOf(caller).map(owner::equals).orElse(false);
	}
}
