package uk.childlink.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Receiver;
import uk.childlink.support.Records;
import uk.childlink.support.Signals;
import uk.childlink.support.Tokens;

/**
 * Topic-based Subscriptions (HL7's Subscriptions R5 Backport IG for R4) to the signals, with a real HTTP receiver:
 * an organisation subscribes with its own token and endpoint, hears of a new child protection plan with ids only,
 * reads the Task and the child with its token; what a subscription may not be is refused with 422 or 403 and stored
 * nowhere; a failing endpoint is retried and its subscription marked {@code error}, with the reason in {@code $status},
 * until its owner resumes it; a slow endpoint holds nobody else's notifications.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsIT extends IntegrationTest {

	private static final String TOPIC = "https://fhir.childlink.uk/SubscriptionTopic/child-protection-plan-1";
	private static final String YESTERDAY = LocalDate.now(ZoneId.of("Europe/London")).minusDays(1).toString();

	private Receiver receiver;

	@BeforeAll
	void startReceiver() {
		receiver = new Receiver();
	}

	@AfterAll
	void stopReceiver() {
		receiver.close();
	}

	private String endpoint(String path) {
		return receiver.url(path);
	}

	@Test
	void aGpSubscribedToPlansHearsOfANewPlanWithIdsOnlyAndReadsTheTaskWithItsToken() {
		String ods = "U" + Records.nextUrn();
		Reference gp = Signals.register(client(), Records.healthProvider(ods));
		String gpToken = gpToken(ods);
		Reference council = Signals.register(client(), Records.localAuthority(Records.nextLaNumber()));

		Subscription made = (Subscription) client(gpToken).create().resource(subscription(endpoint("/gp"),
				"Authorization: Bearer gp-receiver-secret")).execute().getResource();
		assertThat(made.getStatus()).isEqualTo(Subscription.SubscriptionStatus.ACTIVE);
		assertThat(made.getExtensionByUrl("https://fhir.childlink.uk/StructureDefinition/subscriber").getValue())
				.isInstanceOfSatisfying(Reference.class, r -> assertThat(r.getReference()).isEqualTo(gp.getReference()));

		IIdType child = Signals.childWithNewPlan(client(), gp, council, "Hooked");
		String delivered = receiver.await("/gp", b -> b.contains(child.getValue()), Duration.ofSeconds(45));
		assertThat(delivered).startsWith("auth:Bearer gp-receiver-secret\n");
		Bundle notification = FHIR.newJsonParser().parseResource(Bundle.class, delivered.substring(delivered.indexOf('\n') + 1));
		assertThat(notification.getType()).isEqualTo(Bundle.BundleType.HISTORY);
		Parameters status = (Parameters) notification.getEntryFirstRep().getResource();
		assertThat(status.getParameter("topic").getValue().primitiveValue()).isEqualTo(TOPIC);
		assertThat(status.getParameter("type").getValue().primitiveValue()).isEqualTo("event-notification");
		Parameters.ParametersParameterComponent event = status.getParameter("notification-event");
		String task = ((Reference) event.getPart().stream().filter(p -> p.getName().equals("focus")).findFirst()
				.orElseThrow().getValue()).getReference();
		assertThat(task).startsWith("Task/");
		assertThat(delivered).as("ids only: not the plan's category").doesNotContain("NEG", "cp-category", "Neglect");

		// the GP reads what it was told about with its own token
		Task read = client(gpToken).read().resource(Task.class).withId(task).execute();
		assertThat(read.getFor().getReference()).isEqualTo(child.getValue());
		assertThat(client(gpToken).read().resource(org.hl7.fhir.r4.model.Patient.class).withId(child).execute()
				.getIdElement().getIdPart()).isEqualTo(child.getIdPart());

		Parameters state = client(gpToken).operation().onInstance(made.getIdElement().toUnqualifiedVersionless())
				.named("$status").withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(state.getParameter("status").getValue().primitiveValue()).isEqualTo("active");
		assertThat(Long.parseLong(state.getParameter("events-since-subscription-start").getValue().primitiveValue()))
				.isEqualTo(1);

		// nobody else sees it, its secrets or its status
		String other = Tokens.token().subject("teacher").organisation(Tokens.SCHOOL, Records.nextUrn())
				.agency("education").scope("user/*.cruds").sign();
		String id = made.getIdElement().getIdPart();
		assertThat(http(other).get("/fhir/Subscription/" + id).status()).isEqualTo(404);
		assertThat(http(other).get("/fhir/Subscription/" + id + "/$status").status()).isEqualTo(404);
		assertThat(http(other).get("/fhir/Subscription?_count=50").body()).doesNotContain("gp-receiver-secret");
		assertThat(client(gpToken).search().byUrl("Subscription").returnBundle(Bundle.class).execute().getEntry())
				.extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(id);
	}

	@Test
	void theTopicsArePublishedInTheCapabilityStatementWhereTheBackportIgSaysAClientLooks() {
		org.hl7.fhir.r4.model.CapabilityStatement cs = client(null).capabilities()
				.ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
		assertThat(cs.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Subscription")).singleElement()
				.satisfies(r -> assertThat(r.getExtensionsByUrl("http://hl7.org/fhir/uv/subscriptions-backport/"
						+ "StructureDefinition/capabilitystatement-subscriptiontopic-canonical"))
						.extracting(e -> e.getValue().primitiveValue())
						.contains(TOPIC, "https://fhir.childlink.uk/SubscriptionTopic/looked-after-child-excluded-1"));
	}

	@Test
	void whatASubscriptionMayNotBeIsRefusedSayingWhyAndNothingIsStored() {
		String ods = "V" + Records.nextUrn();
		Signals.register(client(), Records.healthProvider(ods));
		RawHttp gp = http(gpToken(ods));
		record Case(String why, int status, String location, Subscription subscription) {}
		Subscription websocket = subscription(endpoint("/x"));
		websocket.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);
		Subscription fullResource = subscription(endpoint("/x"));
		fullResource.getChannel().getPayloadElement().addExtension(
				"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content",
				new org.hl7.fhir.r4.model.CodeType("full-resource"));
		List<Case> cases = List.of(
				new Case("an internal address", 422, "Subscription.channel.endpoint", subscription("https://10.1.2.3/hook")),
				new Case("the cloud metadata address", 422, "Subscription.channel.endpoint",
						subscription("https://169.254.169.254/latest/meta-data/")),
				new Case("not a URL", 422, "Subscription.channel.endpoint", subscription("https://exa mple.org/")),
				new Case("not http(s)", 422, "Subscription.channel.endpoint", subscription("ftp://93.184.215.14/hook")),
				new Case("a search as criteria", 422, "Subscription.criteria",
						subscription(endpoint("/x")).setCriteria("Observation?code=cp-plan")),
				new Case("an unknown topic", 422, "Subscription.criteria",
						subscription(endpoint("/x")).setCriteria("https://fhir.childlink.uk/SubscriptionTopic/gossip-1")),
				new Case("a topic for councils", 403, null, subscription(endpoint("/x"))
						.setCriteria("https://fhir.childlink.uk/SubscriptionTopic/looked-after-child-excluded-1")),
				new Case("not a rest-hook", 422, "Subscription.channel.type", websocket),
				new Case("full resources", 422, "Subscription.channel.payload", fullResource));
		for (Case c : cases) {
			RawHttp.Response answer = gp.send("POST", "/fhir/Subscription", Map.of("Content-Type", "application/fhir+json"),
					FHIR.newJsonParser().encodeResourceToString(c.subscription()));
			assertThat(answer.status()).as(c.why() + ": " + answer.body()).isEqualTo(c.status());
			OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, answer.body());
			assertThat(outcome.getIssueFirstRep().getDiagnostics()).as(c.why()).isNotBlank();
			if (c.location() != null) {
				assertThat(outcome.getIssueFirstRep().getExpression()).as(c.why())
						.extracting(org.hl7.fhir.r4.model.StringType::getValue).containsExactly(c.location());
			}
		}
		assertThat(gp.get("/fhir/Subscription?_count=50").body()).as("none stored")
				.doesNotContain("\"resourceType\":\"Subscription\"");
	}

	@Test
	void aFailingEndpointIsRetriedThenMarkedInErrorUntilItsOwnerResumesIt() {
		String ods = "W" + Records.nextUrn();
		Reference gp = Signals.register(client(), Records.healthProvider(ods));
		String gpToken = gpToken(ods);
		Reference council = Signals.register(client(), Records.localAuthority(Records.nextLaNumber()));
		String path = "/failing-" + ods;
		receiver.answer(path, 500);
		Subscription made = (Subscription) client(gpToken).create().resource(subscription(endpoint(path))).execute()
				.getResource();
		IIdType id = made.getIdElement().toUnqualifiedVersionless();

		IIdType child = Signals.childWithNewPlan(client(), gp, council, "Failing");
		Subscription marked = await(() -> {
			Subscription s = client(gpToken).read().resource(Subscription.class).withId(id).execute();
			return s.getStatus() == Subscription.SubscriptionStatus.ERROR ? s : null;
		});
		assertThat(marked.getError()).contains("HTTP 500");
		assertThat(receiver.received(path)).as("tried again before giving up").hasSizeGreaterThanOrEqualTo(5);
		Parameters state = client(gpToken).operation().onInstance(id).named("$status").withNoParameters(Parameters.class)
				.useHttpGet().execute();
		assertThat(state.getParameter("status").getValue().primitiveValue()).isEqualTo("error");
		assertThat(((org.hl7.fhir.r4.model.CodeableConcept) state.getParameter("error").getValue()).getText())
				.contains("HTTP 500");

		// the endpoint is mended and the GP resumes: the notification it missed arrives
		receiver.answer(path, 200);
		int before = receiver.received(path).size();
		client(gpToken).update().resource(marked.setStatus(Subscription.SubscriptionStatus.REQUESTED)).execute();
		assertThat(client(gpToken).read().resource(Subscription.class).withId(id).execute().getStatus())
				.isEqualTo(Subscription.SubscriptionStatus.ACTIVE);
		await(() -> receiver.received(path).size() > before ? true : null);
		assertThat(receiver.received(path).get(receiver.received(path).size() - 1)).contains(child.getValue());
	}

	@Test
	void aSlowEndpointHoldsNobodyElsesNotifications() {
		String ods = "X" + Records.nextUrn();
		Reference gp = Signals.register(client(), Records.healthProvider(ods));
		String gpToken = gpToken(ods);
		Reference council = Signals.register(client(), Records.localAuthority(Records.nextLaNumber()));
		client(gpToken).create().resource(subscription(endpoint("/slow-" + ods))).execute();
		client(gpToken).create().resource(subscription(endpoint("/quick-" + ods))).execute();

		long start = System.nanoTime();
		IIdType child = Signals.childWithNewPlan(client(), gp, council, "Slow");
		receiver.await("/quick-" + ods, b -> b.contains(child.getValue()), Duration.ofSeconds(45));
		assertThat((System.nanoTime() - start) / 1_000_000).as("ms to the quick endpoint, beside one that hangs")
				.isLessThan(15_000);
	}

	private static String gpToken(String ods) {
		return Tokens.token().subject("gp").organisation(Tokens.ODS, ods).agency("health").scope("user/*.cruds").sign();
	}

	private static Subscription subscription(String endpoint, String... headers) {
		Subscription subscription = new Subscription();
		subscription.getMeta().addProfile(
				"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription");
		subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
		subscription.setReason("Children of our practice with a child protection plan");
		subscription.setCriteria(TOPIC);
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(endpoint)
				.setPayload("application/fhir+json");
		for (String header : headers) {
			subscription.getChannel().addHeader(header);
		}
		return subscription;
	}

	private static <T> T await(Supplier<T> found) {
		long deadline = System.nanoTime() + 45_000_000_000L;
		while (System.nanoTime() < deadline) {
			T value = found.get();
			if (value != null) {
				return value;
			}
			try {
				Thread.sleep(200);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
		}
		throw new AssertionError("not within 45 s");
	}
}
