package uk.childlink.population.export;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
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
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns one resource of an export into its pseudonymised form, in place, for one recipient (docs/population.md,
 * "Pseudonymised extracts"). Everything that names a person is replaced by a keyed pseudonym, HMAC-SHA256 under the
 * recipient's key: identifiers ({@code system|value}), resource ids and the references to them. The same child has the
 * same pseudonym in every extract of one recipient, and another in every other recipient's. Names, telecoms,
 * attachments, notes, narratives and every free-text string are removed; addresses keep only the postcode district;
 * birth and death dates keep the month. Public bodies and definitions (an Organization, a Measure...) are left as they
 * are, and so are references to them: which school or council is what an analysis is about.
 *
 * <p>The rules are by data type, not by path, so that an element a profile adds later is covered: a string is dropped
 * unless it is one of the few that only say what a code means. One instance per resource (a Mac is not thread-safe).
 */
final class Pseudonymiser {

	/** HL7's security label for pseudonymised data, put on each resource of an extract. */
	static final Coding PSEUDONYMISED = new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
			"PSEUDED", "pseudonymized");

	/** Resources that describe no person: kept whole, and references to them kept. */
	private static final Set<String> PUBLIC = Set.of("Organization", "HealthcareService", "Endpoint", "Medication",
			"Measure", "MeasureReport", "Library", "Questionnaire", "PlanDefinition", "ActivityDefinition", "CodeSystem",
			"ValueSet", "ConceptMap", "NamingSystem", "StructureDefinition", "SearchParameter", "OperationDefinition",
			"CapabilityStatement", "ImplementationGuide", "CompartmentDefinition", "StructureMap", "GraphDefinition",
			"MessageDefinition", "TerminologyCapabilities");
	/** Data types that are a person's details or free text: removed wherever they occur. */
	private static final Set<String> REMOVED = Set.of("HumanName", "ContactPoint", "Attachment", "Annotation",
			"Narrative", "Signature", "base64Binary", "xhtml", "markdown");
	/** The strings kept: they say what a code or unit means, not anything someone typed about a child. */
	private static final Set<String> KEPT_STRINGS = Set.of("Coding.display", "Coding.version", "Quantity.unit",
			"Age.unit", "Duration.unit", "Count.unit", "Distance.unit", "SimpleQuantity.unit",
			"Identifier.value", "Reference.reference"); // the last two: already replaced by their pseudonyms
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

	/** Whether a resource of this type is left as it is. */
	static boolean isPublic(String type) {
		return PUBLIC.contains(type);
	}

	/** The resource, pseudonymised in place. */
	void apply(Resource resource) {
		String type = resource.fhirType();
		if (isPublic(type)) {
			return;
		}
		if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
			resource.setId(type + "/" + pseudonym(type + "/" + resource.getIdElement().getIdPart()));
		}
		Meta meta = new Meta();
		meta.setProfile(resource.getMeta().getProfile());
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
		for (Property property : element.children()) {
			if (!property.hasValues() || property.getName().equals("id") || property.getName().equals("meta")) {
				continue; // a resource's id and meta are done; an element's id is the resource's own structure
			}
			for (Base value : List.copyOf(property.getValues())) {
				cleanValue(element, property.getName(), value);
			}
		}
	}

	private void cleanValue(Base parent, String name, Base value) {
		String type = value.fhirType();
		if (REMOVED.contains(type)
				|| type.equals("string") && !KEPT_STRINGS.contains(parent.fhirType() + "." + name)) {
			parent.removeChild(name, value);
		} else if (value instanceof Resource contained) {
			contained.setMeta(null);
			clean(contained); // its local id (#...) is kept: the references to it inside this resource use it
		} else if (value instanceof Address address) {
			parent.removeChild(name, value);
			String district = postcodeDistrict(address.getPostalCode());
			if (district != null) {
				parent.setProperty(name, new Address().setPostalCode(district));
			}
		} else if (value instanceof Identifier identifier) {
			if (identifier.hasValue()) {
				identifier.setValue(pseudonym(identifier.getSystem() + "|" + identifier.getValue()));
			}
			clean(identifier);
		} else if (value instanceof Reference reference) {
			cleanReference(reference);
		} else if (value instanceof BaseDateTimeType date && LIFE_DATES.contains(name)) {
			if (date.getPrecision().ordinal() > TemporalPrecisionEnum.MONTH.ordinal()) {
				date.setValue(date.getValue(), TemporalPrecisionEnum.MONTH);
				date.setTimeZone(null);
			}
		} else {
			clean(value); // a primitive's extensions too
			if (value instanceof Extension extension && !extension.hasValue() && !extension.hasExtension()) {
				parent.removeChild(name, value); // its text was its value: an empty extension is not valid FHIR
			}
		}
	}

	/**
	 * A reference to a person's record is replaced by the reference to its pseudonym; one to a public body is kept,
	 * and so is one to a resource contained in this one. What cannot be recognised (an absolute URL) is removed.
	 */
	private void cleanReference(Reference reference) {
		String target = reference.getReference();
		String type = reference.hasType() ? reference.getType() : null;
		if (target != null && !target.startsWith("#")) {
			String[] parts = target.split("/");
			if (!target.contains(":") && parts.length >= 2) {
				type = parts[0];
			}
		}
		if (type != null && isPublic(type)) {
			return;
		}
		if (target != null && !target.startsWith("#")) {
			String[] parts = target.split("/");
			reference.setReference(!target.contains(":") && parts.length >= 2
					? parts[0] + "/" + pseudonym(parts[0] + "/" + parts[1]) : null);
		}
		clean(reference); // its display goes (a string), its identifier is replaced
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
