package uk.childlink.signals.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Period;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signal policy, read from {@code signals/topics.json} (documented in {@code docs/signals.md}): the topics, the
 * events of each, the open records a topic needs, and who hears. Read strictly: an unknown key, a missing one, or a
 * name used and not defined stops the server at start.
 */
record SignalPolicy(String description, Period recentPeriod, List<Recipient> recipients, List<Topic> topics) {

	static final String LOCATION = "signals/topics.json";
	/** Recipients that a move names itself, not a search of the child's record. */
	static final Set<String> OF_THE_MOVE = Set.of("previous-organisation", "new-organisation");

	/**
	 * Who hears, found by a search of the child's record: the organisations {@code organisation} (a terser path)
	 * names in what it finds; with {@code latestBy}, in the latest only (by that date parameter). An organisation of
	 * one of its {@code agencies} may subscribe to the topics it hears.
	 */
	record Recipient(String name, String description, List<String> agencies, String search, String organisation,
			String latestBy) {}

	/**
	 * A topic: its events (code and the text a recipient reads), the records (Observation codes) of which one must be
	 * open for it to be sent ({@code while}; none: always), a search of the child's record that, finding anything when
	 * the signal is due, means it is no longer owed ({@code unlessFound}; none: always owed), and who hears.
	 */
	record Topic(String code, String title, String description, Map<String, String> events,
			@JsonProperty("while") List<String> whileOpen, String unlessFound, List<String> recipients) {}

	SignalPolicy {
		require(description, "description");
		require(recentPeriod, "recentPeriod");
		require(recipients, "recipients");
		require(topics, "topics");
		Set<String> names = new HashSet<>();
		for (Recipient r : recipients) {
			require(r.name(), "recipients[].name");
			require(r.description(), "recipients[" + r.name() + "].description");
			require(r.agencies(), "recipients[" + r.name() + "].agencies");
			if (!names.add(r.name())) {
				throw new IllegalStateException(LOCATION + ": recipient " + r.name() + " is defined twice");
			}
			if (!OF_THE_MOVE.contains(r.name()) && (r.search() == null || r.organisation() == null
					|| !r.search().contains("{child"))) {
				throw new IllegalStateException(LOCATION + ": recipient " + r.name()
						+ " needs a search of the child's record (using {child} or {childId}) and an organisation path");
			}
		}
		Set<String> codes = new HashSet<>();
		for (Topic t : topics) {
			require(t.code(), "topics[].code");
			require(t.title(), "topics[" + t.code() + "].title");
			require(t.events(), "topics[" + t.code() + "].events");
			require(t.recipients(), "topics[" + t.code() + "].recipients");
			if (t.whileOpen() == null) {
				throw new IllegalStateException(LOCATION + ": topics[" + t.code() + "].while is missing ([] for none)");
			}
			if (!t.code().matches("[a-z][a-z0-9-]*-[0-9]+")) {
				throw new IllegalStateException(LOCATION + ": topic " + t.code()
						+ " is not a versioned kebab-case name (such as child-protection-plan-1)");
			}
			if (t.unlessFound() != null && (!t.unlessFound().contains("?") || !t.unlessFound().contains("{child"))) {
				throw new IllegalStateException(LOCATION + ": topics[" + t.code()
						+ "].unlessFound is not a search of the child's record (using {child} or {childId})");
			}
			if (!codes.add(t.code())) {
				throw new IllegalStateException(LOCATION + ": topic " + t.code() + " is defined twice");
			}
			for (String recipient : t.recipients()) {
				if (!names.contains(recipient)) {
					throw new IllegalStateException(LOCATION + ": topic " + t.code() + " names recipient " + recipient
							+ ", which is not defined");
				}
			}
		}
	}

	static SignalPolicy load() {
		try (InputStream in = SignalPolicy.class.getClassLoader().getResourceAsStream(LOCATION)) {
			if (in == null) {
				throw new IllegalStateException(LOCATION + " is not on the classpath");
			}
			return new ObjectMapper().findAndRegisterModules()
					.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
					.readValue(in, SignalPolicy.class);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + LOCATION + ": " + e.getMessage(), e);
		}
	}

	Optional<Topic> topic(String code) {
		return topics.stream().filter(t -> t.code().equals(code)).findFirst();
	}

	/** The agencies whose organisations may subscribe to the topic: those of its recipients. */
	Set<String> agenciesHearing(Topic topic) {
		Set<String> agencies = new java.util.TreeSet<>();
		topic.recipients().forEach(name -> agencies.addAll(recipient(name).agencies()));
		return agencies;
	}

	Recipient recipient(String name) {
		return recipients.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
	}

	private static void require(Object value, String name) {
		if (value == null || value instanceof String s && s.isBlank() || value instanceof List<?> l && l.isEmpty()
				|| value instanceof Map<?, ?> m && m.isEmpty()) {
			throw new IllegalStateException(LOCATION + ": " + name + " is missing");
		}
	}
}
