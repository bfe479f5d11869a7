package uk.childlink.signals.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

class SignalPolicyTest {

	private static final SignalPolicy.Recipient GP = new SignalPolicy.Recipient("gp-practice", "d",
			List.of("health"), "Patient?_id={childId}", "Patient.generalPractitioner", null);

	@Test
	void thePackagedPolicyHasTheTopicsAndItsCodeSystemsSayTheSame() throws Exception {
		SignalPolicy policy = SignalPolicy.load();
		assertThat(policy.topics()).extracting(SignalPolicy.Topic::code).contains("child-protection-plan-1",
				"looked-after-child-1", "absence-of-a-child-known-to-social-care-1", "looked-after-child-excluded-1",
				"child-moved-1");
		assertThat(policy.topic("child-protection-plan-1").orElseThrow().events()).containsOnlyKeys("started", "ended");
		assertThat(policy.agenciesHearing(policy.topic("child-protection-plan-1").orElseThrow()))
				.containsExactly("education", "health");

		CodeSystem topics = codeSystem("terminology/signals/CodeSystem-signal-topic.json");
		assertThat(topics.getConcept()).extracting(CodeSystem.ConceptDefinitionComponent::getCode)
				.containsExactlyElementsOf(policy.topics().stream().map(SignalPolicy.Topic::code).toList());
		Map<String, String> titles = policy.topics().stream()
				.collect(Collectors.toMap(SignalPolicy.Topic::code, SignalPolicy.Topic::title));
		assertThat(topics.getConcept()).allSatisfy(c -> assertThat(c.getDisplay()).isEqualTo(titles.get(c.getCode())));
		CodeSystem events = codeSystem("terminology/signals/CodeSystem-signal-event.json");
		Set<String> eventCodes = policy.topics().stream().flatMap(t -> t.events().keySet().stream())
				.collect(Collectors.toSet());
		assertThat(events.getConcept()).extracting(CodeSystem.ConceptDefinitionComponent::getCode)
				.containsExactlyInAnyOrderElementsOf(eventCodes);
	}

	@Test
	void aBrokenPolicyIsRefusedWithAMessageNamingTheProblem() {
		SignalPolicy.Topic topic = new SignalPolicy.Topic("child-protection-plan-1", "t", "d",
				Map.of("started", "A plan started."), List.of(), null, List.of("gp-practice"));
		assertThat(new SignalPolicy("d", Period.ofYears(1), List.of(GP), List.of(topic)).topic("child-protection-plan-1"))
				.isPresent();
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(GP, GP), List.of(topic)))
				.hasMessageContaining("recipient gp-practice is defined twice");
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(GP), List.of(new SignalPolicy.Topic(
				"child-protection-plan-1", "t", "d", Map.of("started", "x"), List.of(), null, List.of("school")))))
				.hasMessageContaining("names recipient school, which is not defined");
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(GP), List.of(new SignalPolicy.Topic(
				"Child Protection", "t", "d", Map.of("started", "x"), List.of(), null, List.of("gp-practice")))))
				.hasMessageContaining("not a versioned kebab-case name");
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(GP), List.of(new SignalPolicy.Topic(
				"child-protection-plan-1", "t", "d", Map.of("started", "x"), null, null, List.of("gp-practice")))))
				.hasMessageContaining("while is missing");
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(GP), List.of(new SignalPolicy.Topic(
				"child-protection-plan-1", "t", "d", Map.of("started", "x"), List.of(), "EpisodeOfCare?status=active",
				List.of("gp-practice")))))
				.hasMessageContaining("unlessFound is not a search of the child's record");
		assertThatThrownBy(() -> new SignalPolicy("d", Period.ofYears(1), List.of(new SignalPolicy.Recipient(
				"school", "d", List.of("education"), "Observation?code=x", "Observation.performer", null)), List.of(topic)))
				.hasMessageContaining("recipient school needs a search of the child's record");
	}

	private static CodeSystem codeSystem(String path) throws Exception {
		try (InputStream in = SignalPolicyTest.class.getClassLoader().getResourceAsStream(path)) {
			assertThat(in).as(path + " on the classpath").isNotNull();
			return FhirContext.forR4Cached().newJsonParser().parseResource(CodeSystem.class, in);
		}
	}
}
