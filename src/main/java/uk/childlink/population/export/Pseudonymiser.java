package uk.childlink.population.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns one resource of an export into its pseudonymised form, in place, for one recipient (docs/population.md,
 * "Pseudonymised extracts"). Everything that names a person is replaced by a keyed pseudonym, HMAC-SHA256 under the
 * recipient's key: identifiers ({@code system|value}), resource ids and the references to them (contained ones
 * included). The same child has the same pseudonym in every extract of one recipient, and another in every other
 * recipient's. Names, telecoms, attachments, notes, narratives, record-keeping instants and every free-text string are
 * removed, and so is every uri or id that is not a code system, an extension's or a profile's; addresses keep only
 * the postcode district; birth and death dates keep the month. Definitions (a Measure, a CodeSystem...) are left as
 * they are; public bodies (an Organization, a HealthcareService) keep their ids, identifiers and names, not their
 * contact details, and references to both are kept: which school or council is what an analysis is about.
 *
 * <p>The rules are by data type, not by path, so that an element a profile adds later is covered: what is not known to
 * be safe is dropped. One instance per resource (a Mac is not thread-safe).
 */
final class Pseudonymiser {

	/** HL7's security label for pseudonymised data, put on each resource of an extract. */
	static final Coding PSEUDONYMISED = new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
			"PSEUDED", "pseudonymized");

	/** Definitions, about no one: kept whole, and references to them kept. */
	private static final Set<String> DEFINITIONS = Set.of("Endpoint", "Medication", "Measure", "Library",
			"Questionnaire", "PlanDefinition", "ActivityDefinition", "CodeSystem", "ValueSet", "ConceptMap",
			"NamingSystem", "StructureDefinition", "SearchParameter", "OperationDefinition", "CapabilityStatement",
			"ImplementationGuide", "CompartmentDefinition", "StructureMap", "GraphDefinition", "MessageDefinition",
			"TerminologyCapabilities");
	/** Public bodies: their ids, identifiers and names kept (and references to them), their contact details not. */
	private static final Set<String> BODIES = Set.of("Organization", "HealthcareService");
	/** Data types that are a person's details, free text or the moment a record was made: removed wherever they are. */
	private static final Set<String> REMOVED = Set.of("HumanName", "ContactPoint", "Attachment", "Annotation",
			"Narrative", "Signature", "base64Binary", "xhtml", "markdown", "instant");
	/** Elements removed by name: a place's coordinates; a body's people and phones. */
	private static final Set<String> REMOVED_ELEMENTS = Set.of("Location.position", "Organization.contact",
			"Organization.telecom", "HealthcareService.telecom");
	/** The strings kept: they say what a code, a unit or a question is, not anything someone typed about a child. */
	private static final Set<String> KEPT_STRINGS = Set.of("Coding.display", "Coding.version", "Quantity.unit",
			"Age.unit", "Duration.unit", "Count.unit", "Distance.unit", "SimpleQuantity.unit",
			"QuestionnaireResponse.item.linkId",
			"Identifier.value", "Reference.reference"); // the last two: already replaced by their pseudonyms
	/** Uri-like types: kept only as a code system, an extension's url or a reference's type (below). */
	private static final Set<String> URIS = Set.of("uri", "url", "oid", "uuid", "id");
	/** Dates of a person's life, cut to the month. */
	private static final Set<String> LIFE_DATES = Set.of("birthDate", "deceased[x]");

	private final Mac mac;

	Pseudonymiser(byte[] recipientKey) {
		try {
			mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(recipientKey, "HmacSHA256"));
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
		}
	}

	/** Whether references to a resource of this type are kept as they are. */
	static boolean isKept(String type) {
		return DEFINITIONS.contains(type) || BODIES.contains(type);
	}

	/** The resource, pseudonymised in place. */
	void apply(Resource resource) {
		String type = resource.fhirType();
		if (DEFINITIONS.contains(type)) {
			return;
		}
		if (BODIES.contains(type)) {
			for (Property property : resource.children()) {
				for (Base value : List.copyOf(property.getValues())) {
					if (REMOVED_ELEMENTS.contains(type + "." + property.getName())) {
						remove(resource, property.getName(), value);
					} else if (value instanceof Address address) {
						replaceAddress(resource, property.getName(), address);
					}
				}
			}
			return;
		}
		if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
			resource.setId(type + "/" + pseudonym(type + "/" + resource.getIdElement().getIdPart()));
		}
		Meta meta = new Meta();
		meta.setProfile(resource.getMeta().getProfile());
		meta.setSecurity(resource.getMeta().getSecurity()); // its confidentiality still holds
		meta.addSecurity(PSEUDONYMISED.copy());
		resource.setMeta(meta);
		clean(resource);
	}

	/** The pseudonym of a value for this recipient: 32 hex digits (128 bits of the HMAC). */
	String pseudonym(String value) {
		byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(digest, 0, 16);
	}

	private void clean(Base element) {
		boolean resource = element instanceof Resource;
		for (Property property : element.children()) {
			if (!property.hasValues() || resource && (property.getName().equals("id") || property.getName().equals("meta"))) {
				continue; // a resource's id and meta are done by whoever cleans it
			}
			for (Base value : List.copyOf(property.getValues())) {
				cleanValue(element, property.getName(), value);
			}
		}
	}

	private void cleanValue(Base parent, String name, Base value) {
		String type = value.fhirType();
		String path = parent.fhirType() + "." + name;
		if (REMOVED.contains(type) || REMOVED_ELEMENTS.contains(path)
				|| type.equals("string") && !KEPT_STRINGS.contains(path)
				|| URIS.contains(type) && !keptUri(parent, name)) {
			remove(parent, name, value);
		} else if (value instanceof Resource nested) {
			if (name.equals("contained")) {
				// its local id, and the references to it inside this resource (#id), become pseudonyms too
				if (nested.hasIdElement() && nested.getIdElement().hasIdPart()) {
					nested.setId(pseudonym("#" + local(nested.getIdElement().getIdPart())));
				}
				nested.setMeta(null);
				clean(nested);
			} else {
				apply(nested);
			}
		} else if (value instanceof Address address) {
			replaceAddress(parent, name, address);
		} else if (value instanceof Identifier identifier) {
			if (identifier.hasValue()) {
				identifier.setValue(pseudonym(identifier.getSystem() + "|" + identifier.getValue()));
			}
			clean(identifier);
		} else if (value instanceof Reference reference) {
			cleanReference(reference);
		} else if (value instanceof BaseDateTimeType date && LIFE_DATES.contains(name)) {
			String text = date.getValueAsString();
			if (text != null && text.length() > 7) {
				date.setValueAsString(text.substring(0, 7)); // the text, not the instant: no time zone can move it
			}
			date.getExtension().clear(); // the exact time of birth (patient-birthTime) with it
		} else {
			clean(value); // a primitive's extensions too
			if (value instanceof Extension extension && !extension.hasValue() && !extension.hasExtension()) {
				remove(parent, name, value); // its text was its value: an empty extension is not valid FHIR
			}
		}
	}

	/** A uri or id kept: a code system, an extension's url, a reference's type. */
	private static boolean keptUri(Base parent, String name) {
		return name.equals("system") || name.equals("url") && parent instanceof Extension
				|| name.equals("type") && parent instanceof Reference;
	}

	/**
	 * Removes a child. The r4 model's removeChild sets some single children instead of clearing them (6.7.9:
	 * Location.position): checked, and cleared through setProperty then; what cannot be removed leaves the resource
	 * out of the extract ({@link CannotRemove}), never in it.
	 */
	private static void remove(Base parent, String name, Base value) {
		parent.removeChild(name, value);
		if (parent.getNamedProperty(name).getValues().stream().noneMatch(v -> v == value)) {
			return;
		}
		try {
			parent.setProperty(name, null);
		} catch (RuntimeException e) {
			throw new CannotRemove(parent.fhirType() + "." + name, e);
		}
		if (parent.getNamedProperty(name).getValues().stream().anyMatch(v -> v == value)) {
			throw new CannotRemove(parent.fhirType() + "." + name, null);
		}
	}

	/** An element the pseudonymiser could not remove: the resource must not be exported. */
	static final class CannotRemove extends RuntimeException {
		CannotRemove(String path, Throwable cause) {
			super("Could not remove " + path + " for a pseudonymised extract", cause);
		}
	}

	/** A contained resource's id without the {@code #} a reference to it (or a parser) puts in front. */
	private static String local(String id) {
		return id.startsWith("#") ? id.substring(1) : id;
	}

	private static void replaceAddress(Base parent, String name, Address address) {
		remove(parent, name, address);
		String district = postcodeDistrict(address.getPostalCode());
		if (district != null) {
			parent.setProperty(name, new Address().setPostalCode(district));
		}
	}

	/**
	 * A reference to a person's record becomes the reference to its pseudonym (relative: the server's address goes);
	 * one to a definition or a public body is kept; one to a contained resource points at its pseudonym. What cannot be
	 * recognised (a urn, a conditional reference) is removed. The display goes in every case.
	 */
	private void cleanReference(Reference reference) {
		String target = reference.getReference();
		String type = null;
		String id = null;
		if (target == null) {
			type = reference.getType(); // a logical reference, by identifier
		} else if (!target.startsWith("#") && !target.startsWith("urn:") && !target.contains("?")) {
			IdType parsed = new IdType(target);
			if (parsed.hasResourceType() && parsed.hasIdPart()) {
				type = parsed.getResourceType();
				id = parsed.getIdPart();
			}
		}
		reference.setDisplayElement(null);
		if (type != null && isKept(type)) {
			return;
		}
		if (target != null) {
			reference.setReference(target.startsWith("#") && target.length() > 1 ? "#" + pseudonym("#" + local(target))
					: id != null ? type + "/" + pseudonym(type + "/" + id) : null);
		}
		clean(reference); // its identifier is replaced, its extensions cleaned
	}

	/**
	 * The postcode district, the outward code: {@code LS1 4AP} gives {@code LS1}, {@code SW1A1AA} gives {@code SW1A};
	 * null when the value does not look like a postcode (it is then removed, not guessed at).
	 */
	static String postcodeDistrict(String postcode) {
		if (postcode == null) {
			return null;
		}
		String compact = postcode.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
		if (!compact.matches("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")) {
			return null;
		}
		return compact.substring(0, compact.length() - 3);
	}
}
