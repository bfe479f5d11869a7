package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.CodeValidationResult;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.XhtmlType;
import uk.childlink.conformance.validation.Definitions.Definition;
import uk.childlink.conformance.validation.Definitions.Discriminator;
import uk.childlink.conformance.validation.Definitions.Invariant;
import uk.childlink.conformance.validation.Definitions.Node;

/**
 * The fast path of validation on write: walks a resource against the trees {@link Definitions} reads from the
 * snapshots of the profiles that apply to it (and the base definitions they build on): cardinalities, types, fixed
 * values and patterns, slices, required and extensible bindings, the codes of known code systems, references, and the
 * error-severity invariants, their FHIRPath parsed once. It answers only "certainly valid": anything it finds wrong,
 * or does not model (narrative beyond plain text, {@link PlainNarrative}; contained resources, modifier extensions,
 * an extension or code system it cannot read, an unresolvable reference...), sends the resource to the HL7
 * validator, which then gives the verdict and its messages. So it can make a write faster but never change what is
 * refused or what the refusal says; a differential test (FastCheckIT) holds it to the HL7 validator over our
 * examples, the FHIR example corpus and generated hostile input.
 */
final class FastCheck {

	/** What a reference inside the bundle being checked points at: the entry's resource and the profiles it meets. */
	record Entry(Resource resource, Set<String> profiles) {}

	private final Definitions definitions;
	private final IValidationSupport support;
	private final ValidationSupportContext supportContext;
	private final ThreadLocal<FHIRPathEngine> fhirPath;
	/**
	 * Verdicts on codes ({@code valueSet|system|code|display}) and uris ({@code uri <uri>}) to whether they are certainly
	 * right, bounded.
	 */
	private final Map<String, Boolean> codes = new ConcurrentHashMap<>();
	private static final int MAX_CODES = 50_000;

	FastCheck(FhirContext fhirContext, IValidationSupport support) {
		this.support = support;
		this.supportContext = new ValidationSupportContext(support);
		this.definitions = new Definitions(fhirContext, support);
		this.fhirPath = ThreadLocal.withInitial(() -> newEngine(fhirContext, support));
	}

	static FHIRPathEngine newEngine(FhirContext fhirContext, IValidationSupport support) {
		return new FHIRPathEngine(new HapiWorkerContext(fhirContext, support));
	}

	Definitions definitions() {
		return definitions;
	}

	/**
	 * True only when the resource certainly meets its base definition and each of {@code profiles}; false when the
	 * HL7 validator must judge it. {@code bundle} holds the other entries of its transaction, by fullUrl and by
	 * {@code Type/id} (empty outside a transaction).
	 */
	boolean certainlyValid(Resource resource, Set<String> profiles, Map<String, Entry> bundle) {
		return whyNot(resource, profiles, bundle) == null;
	}

	/** Null when {@link #certainlyValid}; otherwise where and why the walk stopped. */
	String whyNot(Resource resource, Set<String> profiles, Map<String, Entry> bundle) {
		Walk walk = new Walk(resource, bundle);
		try {
			if (!resourceLevel(resource, profiles)) {
				return "a kind of resource with special rules, contained resources, modifier extensions, language or another's profile";
			}
			// a profile's snapshot holds every element and constraint of the base definition: no need to walk both
			for (String profile : profiles.isEmpty() ? Set.of(Definitions.HL7 + resource.fhirType()) : profiles) {
				Optional<Definition> definition = definitions.get(profile);
				if (definition.isEmpty() || !definition.get().type().equals(resource.fhirType())) {
					return "definition not read: " + profile;
				}
				if (!walk.element(resource, definition.get().root(), resource.fhirType())) {
					return walk.reason != null ? walk.reason : "not certainly valid"; // never null: null vouches
				}
			}
			return null;
		} catch (RuntimeException unexpected) {
			return "the walk failed: " + unexpected; // whatever this walk cannot follow, the HL7 validator judges
		}
	}

	/**
	 * Kinds of resource HL7's validator checks with rules of their own beyond their definitions (a bundle's entries, a
	 * questionnaire's answers, a measure report against its measure, the definitional resources with a url): always
	 * its to judge.
	 */
	private static final Set<String> SPECIAL = java.util.stream.Stream.concat(
			org.hl7.fhir.utilities.VersionUtilities.getCanonicalResourceNames("4.0.1").stream(),
			java.util.stream.Stream.of("Bundle", "Parameters", "Questionnaire", "QuestionnaireResponse", "Measure",
					"MeasureReport", "Binary"))
			.collect(java.util.stream.Collectors.toUnmodifiableSet());

	/** What this check does not model at all, on the resource itself. */
	private static boolean resourceLevel(Resource resource, Set<String> profiles) {
		if (SPECIAL.contains(resource.fhirType())) {
			return false;
		}
		if (resource.hasImplicitRules() || resource.hasLanguage()) {
			return false;
		}
		// (narrative is walked like any element: its div is a primitive the walk judges, PlainNarrative)
		if (resource instanceof DomainResource domain
				&& (domain.hasContained() || domain.hasModifierExtension())) {
			return false;
		}
		// a claimed profile other than those being checked: the validator would look it up
		return resource.getMeta().getProfile().stream().allMatch(p -> p.getValue() != null && profiles.contains(p.getValue()));
	}

	/** One resource's walk. */
	private final class Walk {
		private final Resource resource;
		private final Map<String, Entry> bundle;

		Walk(Resource resource, Map<String, Entry> bundle) {
			this.resource = resource;
			this.bundle = bundle;
		}

		/** Why the walk stopped (the deepest check that failed first), for tests and logs. */
		String reason;

		private boolean no(String path, String why) {
			if (reason == null) {
				reason = path + ": " + why;
			}
			return false;
		}

		/** The value meets the node (and, below it, its children and slices). {@code path} is its definition path. */
		boolean element(Base value, Node node, String path) {
			String type = typeName(value);
			if (!node.types.isEmpty() && !typeAllowed(node, type)) {
				return no(path, "type " + type + " not in " + node.types);
			}
			if (node.fixed != null && !same(node.fixed, value)) {
				return no(path, "not the fixed value");
			}
			if (node.pattern != null && !matchesPattern(node.pattern, value)) {
				return no(path, "does not match the pattern");
			}
			if (!bound(value, node)) {
				return no(path, "not certainly in " + node.valueSet);
			}
			if (!invariants(value, node.invariants)) {
				return no(path, "an invariant fails");
			}
			for (String profile : node.typeProfiles.getOrDefault(type, List.of())) {
				Optional<Definition> definition = definitions.get(profile);
				if (definition.isEmpty()) {
					return no(path, "profile not read: " + profile);
				}
				if (!element(value, definition.get().root(), definition.get().type())) {
					return no(path, "does not meet " + profile);
				}
			}
			if (value instanceof PrimitiveType<?> primitive) {
				return primitive(primitive, node) || no(path, "primitive value not certain: " + primitive.fhirType());
			}
			if (value instanceof Resource && value != resource) {
				return no(path, "a resource inside a resource");
			}
			if (value instanceof Coding coding && !codeKnown(coding)) {
				return no(path, "code not certainly known: " + coding.getSystem() + "|" + coding.getCode());
			}
			if (value instanceof Quantity quantity && !unitKnown(quantity)) {
				return no(path, "unit not certainly known");
			}
			if (value instanceof Reference reference && !resolves(reference, node)) {
				return no(path, "reference not certain: " + reference.getReference());
			}
			Map<String, Node> children = node.children;
			if (type.equals("BackboneElement") || type.equals("Element")) {
				return !children.isEmpty() ? children(value, children, path) : no(path, "no children defined");
			}
			if (children.isEmpty() || !(value instanceof Resource)) {
				// a data type: its own definition's invariants always, its children when the profile lists none
				Optional<Definition> typeDefinition = definitions.get(Definitions.HL7 + type);
				if (typeDefinition.isEmpty()) {
					return no(path, "type not read: " + type);
				}
				if (!invariants(value, typeDefinition.get().root().invariants)) {
					return no(path, "an invariant of " + type + " fails");
				}
				if (children.isEmpty()) {
					children = typeDefinition.get().root().children;
				}
			}
			return children(value, children, path);
		}

		private boolean children(Base value, Map<String, Node> children, String path) {
			boolean hasContent = false;
			Map<String, Integer> counts = new HashMap<>();
			for (Property property : value.children()) {
				// empty values, and a transaction entry's urn id, are left out when the resource is encoded for HL7's
				// validator: it never sees them
				List<Base> values = new ArrayList<>(property.getValues().size());
				for (Base v : property.getValues()) {
					// (a narrative's div is an XhtmlType that calls itself empty whatever the div holds)
					boolean empty = v instanceof XhtmlType xhtml ? xhtml.getXhtml() == null : v == null || v.isEmpty();
					if (!empty && !(v instanceof org.hl7.fhir.r4.model.IdType id && id.isUrn())) {
						values.add(v);
					}
				}
				if (values.isEmpty()) {
					continue;
				}
				String name = property.getName();
				if (!name.equals("id")) {
					hasContent = true;
				}
				if (name.equals("modifierExtension")) {
					return no(path, "modifier extension");
				}
				Node child = children.get(name);
				if (child == null) {
					return no(path + "." + name, "not defined");
				}
				if (values.size() > child.max) {
					return no(path + "." + name, "more than " + child.max);
				}
				counts.put(name, values.size());
				String childPath = path + "." + name;
				for (Base item : values) {
					if (!element(item, child, childPath)) {
						return no(childPath, "item");
					}
					if (item instanceof Extension extension && !extension(extension, child, path, value.fhirType())) {
						return no(childPath, "extension not certain: " + extension.getUrl());
					}
				}
				if (!child.discriminators.isEmpty() && !sliced(values, child, childPath)) {
					return no(childPath, "slices");
				}
			}
			for (Node child : children.values()) {
				if (child.min > counts.getOrDefault(child.name, 0)) {
					return no(path + "." + child.name, "fewer than " + child.min);
				}
			}
			return hasContent || value instanceof Resource || no(path, "empty (ele-1)");
		}

		/** Each value matches at most one slice (one, if the slicing is closed), and each slice's count is allowed. */
		private boolean sliced(List<Base> values, Node sliced, String path) {
			int[] counts = new int[sliced.slices.size()];
			for (Base value : values) {
				int matched = -1;
				for (int i = 0; i < sliced.slices.size(); i++) {
					if (matchesSlice(value, sliced.slices.get(i), sliced.discriminators)) {
						if (matched >= 0) {
							return false; // in two slices: the validator explains
						}
						matched = i;
					}
				}
				if (matched < 0) {
					if (sliced.closed) {
						return false;
					}
					continue;
				}
				counts[matched]++;
				if (!element(value, sliced.slices.get(matched), path)) {
					return false;
				}
			}
			for (int i = 0; i < counts.length; i++) {
				Node slice = sliced.slices.get(i);
				if (counts[i] < slice.min || counts[i] > slice.max) {
					return false;
				}
			}
			return true;
		}

		private boolean matchesSlice(Base value, Node slice, List<Discriminator> discriminators) {
			for (Discriminator discriminator : discriminators) {
				Base expected = expectedAt(slice, discriminator);
				List<Base> actual = valuesAt(value, discriminator.path());
				boolean any = false;
				for (Base candidate : actual) {
					any |= discriminator.pattern() ? matchesPattern(expected, candidate) : same(expected, candidate);
				}
				if (!any) {
					return false;
				}
			}
			return true;
		}

		/** The slice's fixed value or pattern at the discriminator's path (an extension slice: its profile's url). */
		private Base expectedAt(Node slice, Discriminator discriminator) {
			if (discriminator.path().equals("$this")) {
				return require(slice.fixed != null ? slice.fixed : slice.pattern);
			}
			Node node = slice;
			for (String step : discriminator.path().split("\\.")) {
				Node next = node.children.get(step);
				if (next == null) {
					if (step.equals("url") && node == slice && slice.types.equals(List.of("Extension"))
							&& slice.typeProfiles.get("Extension").size() == 1) {
						return new UriType(slice.typeProfiles.get("Extension").get(0));
					}
					throw new IllegalStateException("discriminator path not in the slice: " + discriminator.path());
				}
				node = next;
			}
			return require(node.fixed != null ? node.fixed : node.pattern);
		}

		private List<Base> valuesAt(Base value, String path) {
			List<Base> at = List.of(value);
			if (path.equals("$this")) {
				return at;
			}
			for (String step : path.split("\\.")) {
				if (!NAME.matcher(step).matches()) {
					throw new IllegalStateException("discriminator path not modelled: " + path);
				}
				List<Base> next = new ArrayList<>();
				for (Base b : at) {
					Property property = b.getNamedProperty(step);
					if (property != null) {
						next.addAll(property.getValues());
					}
				}
				at = next;
			}
			return at;
		}

		private boolean typeAllowed(Node node, String type) {
			for (String allowed : node.types) {
				if (allowed.equals(type) || allowed.startsWith("http://hl7.org/fhirpath/")) {
					return true;
				}
			}
			return false;
		}

		private boolean invariants(Base value, List<Invariant> invariants) {
			FHIRPathEngine engine = fhirPath.get();
			for (Invariant invariant : invariants) {
				if (!engine.evaluateToBoolean(null, resource, resource, value, invariant.parsed())) {
					return false;
				}
			}
			return true;
		}

		/**
		 * An extension's own definition (by its url) is known and allows it on its holder (at {@code holderPath}, of
		 * {@code holderType}); a complex extension's part (a url that is only a name) must be one of its slices.
		 */
		private boolean extension(Extension extension, Node slot, String holderPath, String holderType) {
			if (extension.hasExtension() == extension.hasValue()) {
				return false; // ext-1
			}
			String url = extension.getUrl();
			if (url == null) {
				return false;
			}
			if (url.indexOf(':') < 0) {
				return !slot.discriminators.isEmpty()
						&& slot.slices.stream().filter(s -> matchesSlice(extension, s, slot.discriminators)).count() == 1;
			}
			Optional<Definition> definition = definitions.get(url);
			if (definition.isEmpty() || !definition.get().type().equals("Extension")) {
				return false;
			}
			boolean inContext = false;
			for (StructureDefinition.StructureDefinitionContextComponent context : definition.get().source().getContext()) {
				String expression = context.getExpression();
				inContext |= context.getType() == StructureDefinition.ExtensionContextType.ELEMENT
						&& (expression.equals(holderPath) || expression.equals(holderType) || expression.equals("Element"));
			}
			return inContext && element(extension, definition.get().root(), "Extension");
		}

		private boolean resolves(Reference reference, Node node) {
			List<String> targets = node.targetProfiles.getOrDefault("Reference", List.of());
			String ref = reference.getReference();
			if (ref == null) {
				return true;
			}
			Entry entry = bundle.get(ref);
			if (entry != null) {
				return targetAllowed(targets, entry.resource().fhirType(), entry.profiles());
			}
			Matcher relative = RELATIVE.matcher(ref);
			if (relative.matches() || (relative = CONDITIONAL.matcher(ref)).lookingAt()) {
				return targetAllowed(targets, relative.group(1), null);
			}
			return false; // contained, absolute or a urn not in the bundle: the validator judges
		}

		/** The target's type is one the element allows; a profile of ours must be one the target was checked for. */
		private boolean targetAllowed(List<String> targetProfiles, String type, Set<String> targetMeets) {
			if (targetProfiles.isEmpty()) {
				return true;
			}
			for (String profile : targetProfiles) {
				if (profile.equals(Definitions.HL7 + type) || profile.equals(Definitions.HL7 + "Resource")) {
					return true;
				}
				if (targetMeets != null && targetMeets.contains(profile)) {
					return true;
				}
				if (targetMeets == null && type.equals(definitions.typeOf(profile))) {
					return true; // a stored resource: the validator checks only its type (references are not fetched)
				}
			}
			return false;
		}

		private boolean bound(Base value, Node node) {
			if (node.valueSet == null
					|| (node.bindingStrength != BindingStrength.REQUIRED && node.bindingStrength != BindingStrength.EXTENSIBLE)) {
				return true;
			}
			if (value instanceof Coding coding) {
				return inValueSet(node.valueSet, coding);
			}
			if (value instanceof CodeableConcept concept) {
				for (Coding coding : concept.getCoding()) {
					if (inValueSet(node.valueSet, coding)) {
						return true;
					}
				}
				return false;
			}
			if (value instanceof PrimitiveType<?> code && value.fhirType().equals("code")) {
				return codeVerdict(node.valueSet, null, code.getValueAsString(), null);
			}
			return false;
		}

		private boolean inValueSet(String valueSet, Coding coding) {
			return coding.hasSystem() && coding.hasCode() && !coding.hasVersion()
					&& codeVerdict(valueSet, coding.getSystem(), coding.getCode(), coding.getDisplay());
		}
	}

	/** The type code of a value as definitions name it (a resource's part is a BackboneElement or an Element). */
	private static String typeName(Base value) {
		String type = value.fhirType();
		if (type.indexOf('.') < 0) {
			return type;
		}
		return value instanceof org.hl7.fhir.r4.model.BackboneElement ? "BackboneElement" : "Element";
	}

	/** A Coding's code exists in its system, with its display if it gives one. */
	private boolean codeKnown(Coding coding) {
		return coding.hasSystem() && coding.hasCode() && !coding.hasVersion()
				&& codeVerdict(null, coding.getSystem(), coding.getCode(), coding.getDisplay());
	}

	private boolean unitKnown(Quantity quantity) {
		if (!quantity.hasSystem() && !quantity.hasCode()) {
			return true;
		}
		return UCUM.equals(quantity.getSystem()) && quantity.hasCode()
				&& codeVerdict(null, UCUM, quantity.getCode(), null);
	}

	private static final String UCUM = "http://unitsofmeasure.org";

	private boolean codeVerdict(String valueSet, String system, String code, String display) {
		if (code == null) {
			return false;
		}
		String key = valueSet + "|" + system + "|" + code + "|" + display;
		Boolean known = codes.get(key);
		if (known != null) {
			return known;
		}
		ConceptValidationOptions options = new ConceptValidationOptions().setInferSystem(system == null);
		CodeValidationResult result = support.validateCode(supportContext, options, system, code, display, valueSet);
		boolean ok = result != null && result.isOk() && result.getSeverity() != IValidationSupport.IssueSeverity.ERROR
				&& result.getSeverity() != IValidationSupport.IssueSeverity.FATAL
				&& result.getSeverity() != IValidationSupport.IssueSeverity.WARNING
				// HL7's validator holds a language's display to nothing (FastCheckIT: "English", even "Klingon", for en-GB)
				&& (display == null || display.equals(result.getDisplay()) || BCP_47.equals(system));
		if (!ok && valueSet == null && system != null && !support.isCodeSystemSupported(supportContext, system)) {
			ok = true; // a code system this server does not hold (SNOMED CT, say): HL7's validator cannot judge the code
		}
		remember(key, ok);
		return ok;
	}

	private void remember(String key, boolean verdict) {
		if (codes.size() > MAX_CODES) {
			codes.clear();
		}
		codes.put(key, verdict);
	}

	private static Base require(Base value) {
		if (value == null) {
			throw new IllegalStateException("slice without a fixed value or pattern at its discriminator");
		}
		return value;
	}

	/** Exactly equal: primitives by their text, complex values deeply. */
	private static boolean same(Base expected, Base actual) {
		if (expected.isPrimitive() || actual.isPrimitive()) {
			return expected.isPrimitive() && actual.isPrimitive()
					&& expected.primitiveValue() != null && expected.primitiveValue().equals(actual.primitiveValue())
					&& !((PrimitiveType<?>) actual).hasExtension();
		}
		return expected.equalsDeep(actual);
	}

	/** Every element of the pattern is in the value (a repeating one: some item of the value matches it). */
	static boolean matchesPattern(Base pattern, Base value) {
		if (pattern.isPrimitive()) {
			return value.isPrimitive() && pattern.primitiveValue() != null
					&& pattern.primitiveValue().equals(value.primitiveValue());
		}
		if (!pattern.fhirType().equals(value.fhirType())) {
			return false;
		}
		for (Property property : pattern.children()) {
			for (Base wanted : property.getValues()) {
				if (wanted == null) {
					continue;
				}
				Property actual = value.getNamedProperty(property.getName());
				if (actual == null || actual.getValues().stream().noneMatch(v -> v != null && matchesPattern(wanted, v))) {
					return false;
				}
			}
		}
		return true;
	}

	// ---- primitives: the formats of the FHIR R4 specification; anything doubtful goes to the validator ----

	private static final Pattern NAME = Pattern.compile("[a-zA-Z]+");
	private static final Pattern RELATIVE =
			Pattern.compile("([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?");
	private static final Pattern CONDITIONAL = Pattern.compile("([A-Z][A-Za-z]+)\\?[^\\s]+");
	private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
	private static final Pattern CODE = Pattern.compile("[^\\s]+( [^\\s]+)*");
	private static final Pattern DATE = Pattern.compile("[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?");
	private static final Pattern DATE_TIME = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
			+ "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");
	private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?");
	private static final Pattern URI = Pattern.compile("\\S+");
	private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

	private boolean primitive(PrimitiveType<?> primitive, Node node) {
		if (primitive.hasExtension()) {
			return false; // a value's extensions (data-absent-reason...): the validator judges
		}
		if (primitive instanceof XhtmlType xhtml) {
			return PlainNarrative.plain(xhtml.getXhtml()); // (its value is the parsed div, not a string)
		}
		String text = primitive instanceof org.hl7.fhir.r4.model.IdType id ? id.getIdPart() : primitive.getValueAsString();
		if (text == null || text.isEmpty() || text.length() > 1_048_576) {
			return false;
		}
		if (node.maxLength != null && text.length() > node.maxLength) {
			return false;
		}
		return switch (primitive.fhirType()) {
			case "boolean" -> text.equals("true") || text.equals("false");
			case "integer" -> fitsInt(text, Integer.MIN_VALUE);
			case "unsignedInt" -> fitsInt(text, 0);
			case "positiveInt" -> fitsInt(text, 1);
			case "decimal" -> DECIMAL.matcher(text).matches() && text.replaceAll("[^0-9]", "").length() <= 18;
			case "string", "markdown" -> printable(text) && !text.isBlank();
			case "code" -> CODE.matcher(text).matches() && printable(text);
			case "id" -> ID.matcher(text).matches();
			case "uri", "url" -> uriCertain(text);
			case "canonical" -> text.startsWith(ProfileSelector.BASE) && definitions.typeOf(text) != null;
			case "date" -> DATE.matcher(text).matches() && realDate(text);
			case "dateTime" -> DATE.matcher(text).matches() ? realDate(text)
					: DATE_TIME.matcher(text).matches() && realDateTime(text);
			case "instant" -> DATE_TIME.matcher(text).matches() && realDateTime(text);
			case "time" -> TIME.matcher(text).matches();
			default -> false; // base64Binary, oid, uuid...: the validator judges
		};
	}

	private static boolean fitsInt(String text, long min) {
		if (!INTEGER.matcher(text).matches()) {
			return false;
		}
		long value = Long.parseLong(text);
		return value >= min && value <= Integer.MAX_VALUE;
	}

	/**
	 * No control characters but tab and line ends, no bidirectional or invisible formatting characters (HL7's
	 * validator refuses the bidirectional controls), no unpaired surrogate.
	 */
	private static boolean printable(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) || c == 0x061C
					|| (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
					|| c == 0xFEFF || c == 0xFFFD || Character.isSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * A uri HL7's validator certainly accepts: absolute; not an example domain's (refused unless examples are
	 * allowed); in HL7's own spaces only if the validation support holds what it names (the validator looks such
	 * uris up and refuses them when nothing answers); a urn only as a well-formed uuid or OID, or as the code system of
	 * languages (BCP 47).
	 */
	private boolean uriCertain(String text) {
		if (text.length() > 512) {
			return false;
		}
		String key = "uri " + text; // a code's key starts with its value set's url or "null", never so
		Boolean known = codes.get(key);
		if (known == null) {
			known = URI.matcher(text).matches() && printable(text) && uriShape(text);
			remember(key, known);
		}
		return known;
	}

	private boolean uriShape(String text) {
		if (text.startsWith("urn:")) {
			// (HL7's validator takes an OID as valid with its last dot at the sixth character or later)
			return UUID.matcher(text).matches() || text.equals(BCP_47)
					|| OID.matcher(text).matches() && text.lastIndexOf('.') >= "urn:oid:".length() + 5;
		}
		if (!ABSOLUTE.matcher(text).matches() || EXAMPLE.matcher(text).find()) {
			return false;
		}
		boolean hl7Space = text.startsWith("http://hl7.org/fhir") || text.startsWith("http://terminology.hl7.org/")
				|| text.startsWith("http://fhir.org/guides");
		return !hl7Space || support.fetchCodeSystem(text) != null || support.fetchValueSet(text) != null
				|| support.fetchStructureDefinition(text) != null;
	}

	private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");
	private static final Pattern ABSOLUTE = Pattern.compile("(https?|mailto|ftp|mllp)://?\\S+");
	private static final Pattern UUID =
			Pattern.compile("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
	private static final String BCP_47 = "urn:ietf:bcp:47";
	private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]{0,17})){1,40}");
	private static final Pattern EXAMPLE =
			Pattern.compile("(example\\.(org|com|net)|acme\\.(com|org))(/|$)");

	private static boolean realDate(String text) {
		if (text.length() != 10) {
			return Integer.parseInt(text.substring(0, 4)) >= 1800;
		}
		try {
			return LocalDate.parse(text).getYear() >= 1800;
		} catch (DateTimeParseException e) {
			return false;
		}
	}

	private static boolean realDateTime(String text) {
		try {
			return OffsetDateTime.parse(text).getYear() >= 1800;
		} catch (DateTimeParseException e) {
			return false;
		}
	}
}
