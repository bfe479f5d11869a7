package uk.childlink.signals.events;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import uk.childlink.platform.Pipeline;

/**
 * Publishes the topics a client may subscribe to in the CapabilityStatement, where the Subscriptions R5 Backport IG
 * for R4 says a server lists them: on the Subscription resource, one
 * {@code capabilitystatement-subscriptiontopic-canonical} extension per topic.
 */
@Interceptor(order = Pipeline.Order.SIGNAL_CAPABILITIES)
final class TopicCapabilities {

	static final String TOPIC_CANONICAL = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"
			+ "capabilitystatement-subscriptiontopic-canonical";

	private final SignalPolicy policy;

	TopicCapabilities(SignalPolicy policy) {
		this.policy = policy;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void describe(IBaseConformance generated) {
		CapabilityStatement cs = (CapabilityStatement) generated;
		CapabilityStatement.CapabilityStatementRestResourceComponent subscription = cs.getRestFirstRep().getResource()
				.stream().filter(r -> "Subscription".equals(r.getType())).findFirst()
				.orElseGet(() -> cs.getRestFirstRep().addResource().setType("Subscription"));
		for (SignalPolicy.Topic topic : policy.topics()) {
			subscription.addExtension(TOPIC_CANONICAL, new CanonicalType(SubscriptionRules.TOPIC_BASE + topic.code()));
		}
	}
}
