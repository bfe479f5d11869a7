package uk.childlink.access.authorisation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Period;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The access policy, read from {@code access/policy.json} (documented in {@code docs/access.md}): how an organisation
 * comes to have a relationship with a child, who reads a child's audit trail, and where each kind of child record
 * names who recorded it. Read strictly: an unknown key, a missing one or a duplicate name stops the server at start.
 */
record AccessPolicy(
		String description,
		Period recentPeriod,
		List<Relationship> relationships,
		AuditReaders auditReaders,
		Authorship authorship,
		OwnedRecords ownedRecords) {

	static final String LOCATION = "access/policy.json";

	/** A relationship: holds when {@code search}, with its placeholders filled in, finds anything. */
	record Relationship(String name, String description, String search) {}

	record AuditReaders(String description, List<String> relationships) {}

	record Authorship(String description, List<Rule> rules) {}

	/** Where a kind of record names the organisation that recorded it, and its agency (FHIRPath). */
	record Rule(String resourceType, String organisation, String agency) {}

	record OwnedRecords(String description, List<Owned> types) {}

	/**
	 * A kind of record that is its owner's only: where it names the owner (FHIRPath), and the search parameter
	 * that finds an owner's.
	 */
	record Owned(String resourceType, String owner, String ownerParameter) {}

	AccessPolicy {
		require(description, "description");
		require(recentPeriod, "recentPeriod");
		require(relationships, "relationships");
		require(auditReaders, "auditReaders");
		require(authorship, "authorship");
		require(auditReaders.relationships(), "auditReaders.relationships");
		require(authorship.rules(), "authorship.rules");
		require(ownedRecords, "ownedRecords");
		require(ownedRecords.types(), "ownedRecords.types");
		Set<String> names = new HashSet<>();
		for (Relationship r : relationships) {
			require(r.name(), "relationships[].name");
			require(r.search(), "relationships[" + r.name() + "].search");
			if (!names.add(r.name())) {
				throw new IllegalStateException(LOCATION + ": relationship " + r.name() + " is defined twice");
			}
			if (!r.search().contains("{child") || !r.search().contains("{organisation}")) {
				throw new IllegalStateException(LOCATION + ": the search of relationship " + r.name()
						+ " must use {child} (or {childId}) and {organisation}");
			}
		}
		for (String reader : auditReaders.relationships()) {
			if (!names.contains(reader)) {
				throw new IllegalStateException(LOCATION + ": auditReaders names " + reader + ", which is not a relationship");
			}
		}
		Set<String> types = new HashSet<>();
		for (Rule rule : authorship.rules()) {
			require(rule.resourceType(), "authorship.rules[].resourceType");
			require(rule.organisation(), "authorship.rules[" + rule.resourceType() + "].organisation");
			if (!types.add(rule.resourceType())) {
				throw new IllegalStateException(LOCATION + ": authorship of " + rule.resourceType() + " is defined twice");
			}
		}
		for (Owned owned : ownedRecords.types()) {
			require(owned.owner(), "ownedRecords.types[" + owned.resourceType() + "].owner");
			require(owned.ownerParameter(), "ownedRecords.types[" + owned.resourceType() + "].ownerParameter");
			if (!types.contains(owned.resourceType())) {
				throw new IllegalStateException(LOCATION + ": owned record type " + owned.resourceType()
						+ " needs an authorship rule naming its owner");
			}
		}
	}

	static AccessPolicy load() {
		try (InputStream in = AccessPolicy.class.getClassLoader().getResourceAsStream(LOCATION)) {
			if (in == null) {
				throw new IllegalStateException(LOCATION + " is not on the classpath");
			}
			return new ObjectMapper().findAndRegisterModules()
					.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
					.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
					.readValue(in, AccessPolicy.class);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + LOCATION + ": " + e.getMessage(), e);
		}
	}

	Optional<Rule> authorshipOf(String resourceType) {
		return authorship.rules().stream().filter(r -> r.resourceType().equals(resourceType)).findFirst();
	}

	Optional<Owned> ownedOf(String resourceType) {
		return ownedRecords.types().stream().filter(o -> o.resourceType().equals(resourceType)).findFirst();
	}

	private static void require(Object value, String name) {
		if (value == null || value instanceof String s && s.isBlank() || value instanceof List<?> l && l.isEmpty()) {
			throw new IllegalStateException(LOCATION + ": " + name + " is missing");
		}
	}
}
