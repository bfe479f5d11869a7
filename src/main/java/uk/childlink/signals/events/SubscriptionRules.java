package uk.childlink.signals.events;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import uk.childlink.access.Caller;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Pipeline;

/**
 * A client's Subscription to a signal topic, as HL7's Subscriptions R5 Backport IG for R4 shapes it: its criteria is
 * the topic's canonical URL, its channel a {@code rest-hook} to an endpoint the server may deliver to
 * ({@link Endpoints}), its payload {@code id-only}. It is the caller's organisation's (the subscriber extension, set
 * here), so only an organisation of an agency the topic goes to may subscribe (403). A subscription that asks for
 * anything else is refused with 422 and the element at fault. A new one, or one its owner sets back to
 * {@code requested}, is made {@code active} (there is no handshake); its failures in a row are then forgotten.
 */
@Interceptor(order = Pipeline.Order.SUBSCRIPTIONS)
final class SubscriptionRules {

	static final String TOPIC_BASE = "https://fhir.childlink.uk/SubscriptionTopic/";
	static final String SUBSCRIBER = "https://fhir.childlink.uk/StructureDefinition/subscriber";
	static final String PAYLOAD_CONTENT =
			"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";

	private final SignalPolicy policy;
	private final Endpoints endpoints;
	private final RelatedOrganisations organisations;
	private final Notifications notifications;
	private final FhirContext fhir;

	SubscriptionRules(SignalPolicy policy, Endpoints endpoints, RelatedOrganisations organisations,
			Notifications notifications, FhirContext fhir) {
		this.policy = policy;
		this.endpoints = endpoints;
		this.organisations = organisations;
		this.notifications = notifications;
		this.fhir = fhir;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Subscription subscription) {
			Caller.of(request).ifPresent(caller -> {
				check(subscription, caller);
				subscription.setStatus(Subscription.SubscriptionStatus.ACTIVE);
				subscription.setError(null);
			});
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (resource instanceof Subscription subscription) {
			Caller.of(request).ifPresent(caller -> {
				check(subscription, caller);
				if (subscription.getStatus() == Subscription.SubscriptionStatus.REQUESTED) {
					subscription.setStatus(Subscription.SubscriptionStatus.ACTIVE);
					subscription.setError(null);
					notifications.resume("Subscription/" + subscription.getIdElement().getIdPart());
				}
			});
		}
	}

	private void check(Subscription subscription, Caller caller) {
		String criteria = subscription.getCriteria();
		if (criteria == null || !criteria.startsWith(TOPIC_BASE)) {
			throw refused("Subscription.criteria", "Subscription.criteria must be the canonical URL of one of "
					+ "ChildLink's topics (" + TOPIC_BASE + "<topic>, listed in docs/signals.md and CodeSystem "
					+ "signal-topic); searches as criteria are not offered");
		}
		String code = criteria.substring(TOPIC_BASE.length());
		SignalPolicy.Topic topic = policy.topic(code).orElseThrow(() -> refused("Subscription.criteria",
				"There is no topic " + code + "; the topics are " + policy.topics().stream()
						.map(SignalPolicy.Topic::code).toList()));
		if (!caller.isAdmin() && !policy.agenciesHearing(topic).contains(caller.agency())) {
			throw new ForbiddenOperationException("Topic " + code + " goes to organisations of the "
					+ policy.agenciesHearing(topic) + " agencies, and you act for "
					+ (caller.agency() == null ? "no agency" : "the " + caller.agency() + " agency"));
		}
		Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
		if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
			throw refused("Subscription.channel.type", "Subscription.channel.type must be rest-hook: notifications "
					+ "are POSTed to your endpoint (organisations without one work their Task list instead)");
		}
		if (channel.hasPayload() && !List.of("application/fhir+json", "application/json").contains(channel.getPayload())) {
			throw refused("Subscription.channel.payload", "Subscription.channel.payload must be application/fhir+json");
		}
		Extension content = channel.getPayloadElement().getExtensionByUrl(PAYLOAD_CONTENT);
		if (content != null && (content.getValue() == null || !"id-only".equals(content.getValue().primitiveValue()))) {
			throw refused("Subscription.channel.payload", "Notifications carry ids only (payload content id-only): "
					+ "read the record with your own token, under the access rules");
		}
		endpoints.problem(channel.getEndpoint()).ifPresent(problem -> {
			throw refused("Subscription.channel.endpoint", problem);
		});
		if (caller.isAdmin()) {
			Extension subscriber = subscription.getExtensionByUrl(SUBSCRIBER);
			if (subscriber == null || !(subscriber.getValue() instanceof Reference ref)
					|| !"Organization".equals(ref.getReferenceElement().getResourceType())) {
				throw refused("Subscription.extension", "An admin names the subscribing organisation in the "
						+ SUBSCRIBER + " extension (valueReference: Organization/<id>)");
			}
			return;
		}
		Optional<String> organisation = organisations.organisationOf(caller);
		if (organisation.isEmpty()) {
			throw new ForbiddenOperationException("Your organisation (" + caller.organisationText() + ") is not "
					+ "registered here: register its Organization first");
		}
		subscription.getExtension().removeIf(e -> SUBSCRIBER.equals(e.getUrl()));
		subscription.addExtension(SUBSCRIBER, new Reference("Organization/" + organisation.get()));
	}

	private UnprocessableEntityException refused(String location, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.INVALID).setDiagnostics(message)
				.addExpression(location).getLocation().add(new StringType(location));
		return new UnprocessableEntityException(fhir, outcome);
	}
}
