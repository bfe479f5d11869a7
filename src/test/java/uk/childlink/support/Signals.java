package uk.childlink.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/** The signals' Tasks as a client sees them, and a child whose new plan makes one. */
public final class Signals {

	private Signals() {}

	/** The Tasks about the child the client may see (an admin: every organisation's). */
	public static List<Task> of(IGenericClient client, IIdType child) {
		return client.search().byUrl("Task?patient=" + child.getValue() + "&_count=100").returnBundle(Bundle.class)
				.execute().getEntry().stream().map(e -> (Task) e.getResource()).toList();
	}

	/** Signals are sent in the background: waits (up to {@code timeout}) for the child to have {@code count} Tasks. */
	public static List<Task> await(IGenericClient client, IIdType child, int count, Duration timeout) {
		List<Task> last = Eventually.poll(() -> of(client, child), tasks -> tasks.size() >= count, timeout);
		if (last.size() < count) {
			throw new AssertionError("the Tasks of " + child.getValue() + " did not reach " + count + "; last seen: "
					+ last.size());
		}
		return last;
	}

	/**
	 * A new child registered with {@code gp}, and a child protection plan started yesterday by {@code council}: the
	 * GP is owed one Task (child-protection-plan-1, started). Written through {@code client}.
	 */
	public static IIdType childWithNewPlan(IGenericClient client, Reference gp, Reference council, String family) {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), family, "Tess", "2016-04-04");
		patient.setManagingOrganization(council).addGeneralPractitioner(gp);
		IIdType child = client.create().resource(patient).execute().getId().toUnqualifiedVersionless();
		String yesterday = LocalDate.now(ZoneId.of("Europe/London")).minusDays(1).toString();
		client.create().resource(Records.cpPlan(new Reference(child.getValue()), council, yesterday, null, "NEG"))
				.execute();
		return child;
	}

	/**
	 * An admin's Subscription, for {@code organisation}, to child-protection-plan-1 at {@code endpoint} (the server
	 * must allow the endpoint: {@code childlink.signals.allow-http} and {@code allowed-networks} for a local receiver).
	 */
	public static void subscribe(IGenericClient admin, Reference organisation, String endpoint) {
		org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
		subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED)
				.setReason("the tests").setCriteria("https://fhir.childlink.uk/SubscriptionTopic/child-protection-plan-1");
		subscription.getChannel().setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
				.setEndpoint(endpoint).setPayload("application/fhir+json");
		subscription.addExtension("https://fhir.childlink.uk/StructureDefinition/subscriber", organisation);
		admin.create().resource(subscription).execute();
	}

	/** The notifications a receiver's path was sent about the child. */
	public static long notificationsAbout(Receiver receiver, String path, IIdType child) {
		return receiver.received(path).stream().filter(b -> b.contains("\"" + child.getValue() + "\"")).count();
	}

	public static Reference register(IGenericClient client, org.hl7.fhir.r4.model.Organization org) {
		return new Reference(client.create().resource(org).execute().getId().toUnqualifiedVersionless().getValue());
	}
}
