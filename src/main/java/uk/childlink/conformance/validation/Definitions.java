package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.ConstraintSeverity;
import org.hl7.fhir.r4.model.ElementDefinition.ElementDefinitionSlicingDiscriminatorComponent;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;

/**
 * StructureDefinitions (our profiles, their extensions, and the base resources and data types they build on), read
 * once from the validation support (the snapshots the server stores) into trees of {@link Node}s that
 * {@link FastCheck} walks. A definition using what this reader does not model (re-slicing, slicing by type or
 * profile, content references) is not read at all: a resource it applies to always goes to the HL7 validator.
 */
final class Definitions {

	static final String HL7 = "http://hl7.org/fhir/StructureDefinition/";

	/** A constraint of error severity, its FHIRPath parsed once. */
	record Invariant(String key, String expression, ExpressionNode parsed) {}

	/** A slicing discriminator: {@code value} or {@code pattern}, at a path from the sliced element. */
	record Discriminator(boolean pattern, String path) {}

	/** One element of a definition's snapshot, with its children and slices. */
	static final class Node {
		final String name;
		final int min;
		final int max;
		/** Type codes, and for each the profiles its values must meet and the profiles a reference may point at. */
		final List<String> types = new ArrayList<>();
		final Map<String, List<String>> typeProfiles = new HashMap<>();
		final Map<String, List<String>> targetProfiles = new HashMap<>();
		final Type fixed;
		final Type pattern;
		final BindingStrength bindingStrength;
		final String valueSet;
		final Integer maxLength;
		final List<Invariant> invariants = new ArrayList<>();
		final Map<String, Node> children = new LinkedHashMap<>();
		final List<Discriminator> discriminators = new ArrayList<>();
		boolean closed;
		final List<Node> slices = new ArrayList<>();
		/** The element whose children this one has ({@code #Observation.referenceRange}), or null. */
		final String contentReference;

		Node(ElementDefinition e, String name, FHIRPathEngine fhirPath) {
			this.name = name;
			this.min = e.getMin();
			this.max = "*".equals(e.getMax()) ? Integer.MAX_VALUE : e.hasMax() ? Integer.parseInt(e.getMax()) : 1;
			for (ElementDefinition.TypeRefComponent type : e.getType()) {
				types.add(type.getCode());
				typeProfiles.put(type.getCode(), type.getProfile().stream().map(p -> p.getValue()).toList());
				targetProfiles.put(type.getCode(), type.getTargetProfile().stream().map(p -> p.getValue()).toList());
			}
			this.fixed = e.getFixed();
			this.pattern = e.getPattern();
			boolean bound = e.hasBinding() && e.getBinding().hasValueSet();
			this.bindingStrength = bound ? e.getBinding().getStrength() : null;
			this.valueSet = bound ? e.getBinding().getValueSet() : null;
			this.maxLength = e.hasMaxLength() ? e.getMaxLength() : null;
			this.contentReference = e.hasContentReference() ? e.getContentReference() : null;
			for (ElementDefinition.ElementDefinitionConstraintComponent c : e.getConstraint()) {
				if (c.getSeverity() != ConstraintSeverity.ERROR || NATIVE.contains(c.getKey())) {
					continue;
				}
				if (!c.hasExpression()) {
					throw new Unsupported("constraint " + c.getKey() + " has no FHIRPath");
				}
				invariants.add(new Invariant(c.getKey(), c.getExpression(), fhirPath.parse(c.getExpression())));
			}
		}
	}

	/** ele-1 and ext-1 hold on nearly every element: checked natively by {@link FastCheck}. */
	static final java.util.Set<String> NATIVE = java.util.Set.of("ele-1", "ext-1");

	/** A definition read into nodes: its type, its root. */
	record Definition(String url, String type, StructureDefinition source, Node root) {}

	private static final class Unsupported extends RuntimeException {
		Unsupported(String why) {
			super(why, null, false, false);
		}
	}

	private final IValidationSupport support;
	private final FHIRPathEngine fhirPath;
	private final Map<String, Optional<Definition>> read = new ConcurrentHashMap<>();
	private final Map<String, String> unsupported = new ConcurrentHashMap<>();
	private final Map<String, Optional<String>> types = new ConcurrentHashMap<>();

	Definitions(FhirContext fhirContext, IValidationSupport support) {
		this.support = support;
		this.fhirPath = FastCheck.newEngine(fhirContext, support);
	}

	/** The definition at {@code url}, read; empty when it is unknown or uses what this reader does not model. */
	Optional<Definition> get(String url) {
		Optional<Definition> known = read.get(url);
		if (known != null) {
			return known;
		}
		Optional<Definition> definition = readDefinition(url);
		read.put(url, definition);
		return definition;
	}

	/** Why each definition asked for could not be read (for the log and the tests). */
	Map<String, String> unsupported() {
		return Map.copyOf(unsupported);
	}

	/**
	 * The resource or data type a definition constrains; null when unknown. Remembered: the walk asks it for every
	 * reference to a stored resource and every profile a resource claims.
	 */
	String typeOf(String url) {
		return types.computeIfAbsent(url, u -> Optional.ofNullable(
				support.fetchStructureDefinition(u) instanceof StructureDefinition sd ? sd.getType() : null)).orElse(null);
	}

	private Optional<Definition> readDefinition(String url) {
		IBaseResource fetched = support.fetchStructureDefinition(url);
		if (!(fetched instanceof StructureDefinition sd) || !sd.hasSnapshot() || sd.getSnapshot().getElement().isEmpty()) {
			unsupported.put(url, "no snapshot");
			return Optional.empty();
		}
		try {
			return Optional.of(new Definition(url, sd.getType(), sd, tree(sd)));
		} catch (RuntimeException e) {
			unsupported.put(url, String.valueOf(e.getMessage()));
			return Optional.empty();
		}
	}

	private Node tree(StructureDefinition sd) {
		Map<String, Node> byId = new HashMap<>();
		Node root = null;
		for (ElementDefinition e : sd.getSnapshot().getElement()) {
			String id = e.hasId() ? e.getId() : e.getPath();
			if (e.hasMinValue() || e.hasMaxValue()) {
				throw new Unsupported("minimum or maximum value at " + id);
			}
			if (id.indexOf('/') >= 0 || id.indexOf('@') >= 0) {
				throw new Unsupported("re-slicing at " + id);
			}
			int dot = id.lastIndexOf('.'); // the last segment's start; none for the root
			if (dot < 0) {
				root = new Node(e, id, fhirPath);
				byId.put(id, root);
				continue;
			}
			String parentId = id.substring(0, dot);
			String segment = id.substring(dot + 1);
			Node parent = byId.get(parentId);
			if (parent == null) {
				throw new Unsupported("no parent for " + id);
			}
			int colon = segment.indexOf(':');
			Node node;
			if (colon >= 0) {
				String name = segment.substring(0, colon);
				Node sliced = parent.children.get(name);
				if (sliced == null || sliced.discriminators.isEmpty()) {
					throw new Unsupported("slice without slicing at " + id);
				}
				node = new Node(e, name, fhirPath);
				sliced.slices.add(node);
			} else {
				node = new Node(e, segment, fhirPath);
				parent.children.put(segment, node);
			}
			if (e.hasSlicing()) {
				readSlicing(e, node, id);
			}
			byId.put(id, node);
		}
		if (root == null) {
			throw new Unsupported("no root element");
		}
		for (Node node : byId.values()) {
			if (node.contentReference != null) {
				String target = node.contentReference.substring(node.contentReference.indexOf('#') + 1);
				Node referenced = byId.get(target);
				if (referenced == null || !node.children.isEmpty()) {
					throw new Unsupported("content reference " + node.contentReference);
				}
				node.children.putAll(referenced.children);
				node.invariants.addAll(referenced.invariants);
			}
		}
		return root;
	}

	private static void readSlicing(ElementDefinition e, Node node, String id) {
		ElementDefinition.ElementDefinitionSlicingComponent slicing = e.getSlicing();
		if (slicing.getOrdered()) {
			throw new Unsupported("ordered slicing at " + id);
		}
		for (ElementDefinitionSlicingDiscriminatorComponent d : slicing.getDiscriminator()) {
			switch (d.getType()) {
				case VALUE -> node.discriminators.add(new Discriminator(false, d.getPath()));
				case PATTERN -> node.discriminators.add(new Discriminator(true, d.getPath()));
				default -> throw new Unsupported("slicing by " + d.getType() + " at " + id);
			}
		}
		if (node.discriminators.isEmpty()) {
			throw new Unsupported("slicing without discriminator at " + id);
		}
		node.closed = slicing.getRules() == ElementDefinition.SlicingRules.CLOSED;
	}
}
