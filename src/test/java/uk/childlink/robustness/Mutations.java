package uk.childlink.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Mutations of a valid resource (as JSON), each a way real-world or hostile senders get FHIR wrong: an element made
 * null, empty, blank, absent but for a data-absent reason, of the wrong JSON type, huge, deeply nested, removed,
 * duplicated or unknown; dates, codes, references and text replaced by odd values; or the document itself broken.
 * One {@link Random} decides everything, so a seed gives the same mutations again.
 */
public final class Mutations {

	/** A mutated document and what was done to it. */
	public record Mutated(String description, String json) {}

	/** Writes documents nested deeper than JSON parsers accept: that is one of the mutations. */
	private static final JsonFactory DEEP = JsonFactory.builder()
			.streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build()).build();
	private static final ObjectMapper JSON = new ObjectMapper(DEEP);
	private static final ObjectMapper ESCAPING = JsonMapper.builder(DEEP).enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
	private static final String ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

	private Mutations() {}

	/** An element of the document: a field of an object, or an item of an array (held in {@code owner.field}). */
	private record Location(JsonNode container, String field, int index, ObjectNode owner, String path) {

		JsonNode value() {
			return index < 0 ? container.get(field) : container.get(index);
		}

		void set(JsonNode value) {
			if (index < 0) {
				((ObjectNode) container).set(field, value);
			} else {
				((ArrayNode) container).set(index, value);
			}
		}

		void remove() {
			if (index < 0) {
				((ObjectNode) container).remove(field);
			} else {
				((ArrayNode) container).remove(index);
			}
		}

		boolean isPrimitive() {
			JsonNode v = value();
			return v != null && v.isValueNode();
		}

		String name() {
			return field.toLowerCase(Locale.ROOT);
		}
	}

	private enum Op {
		NULL, EMPTY_STRING, BLANK, EMPTY_ARRAY, EMPTY_OBJECT, ABSENT_REASON_ONLY, WRONG_TYPE, HUGE_NUMBER, HUGE_STRING,
		DEEP_NESTING, ODD_DATE, ODD_CODE, ODD_TEXT, ODD_REFERENCE, REMOVE, DUPLICATE, UNKNOWN_ELEMENT,
		EXTENSION_WITHOUT_URL, WHOLE_DOCUMENT
	}

	public static Mutated mutate(String validJson, Random random) {
		ObjectNode root;
		try {
			root = (ObjectNode) JSON.readTree(validJson);
		} catch (Exception e) {
			throw new IllegalArgumentException("not a JSON resource: " + validJson, e);
		}
		Op op = Op.values()[random.nextInt(Op.values().length)];
		if (op == Op.WHOLE_DOCUMENT) {
			return document(root, random);
		}
		List<Location> all = new ArrayList<>();
		collect(root, "", all);
		all.removeIf(l -> l.container == root && (l.field.equals("resourceType")));
		Location at = pick(all, random, preferred(op));
		String what = apply(op, at, random);
		String json = write(root);
		if (op == Op.DEEP_NESTING) {
			json = json.replace("\"" + DEEP_PART + "\"",
					nested(Integer.parseInt(what.split(" ")[1]), what.endsWith("extensions")));
		}
		return new Mutated(op.name().toLowerCase(Locale.ROOT) + " at " + at.path() + ": " + what, json);
	}

	private static Predicate<Location> preferred(Op op) {
		return switch (op) {
			case ODD_DATE -> l -> l.isPrimitive() && (l.name().contains("date") || l.name().contains("start")
					|| l.name().contains("end") || l.name().contains("issued") || l.name().contains("effective")
					|| l.name().contains("lastupdated") || l.name().contains("recorded"));
			case ODD_CODE -> l -> l.isPrimitive() && (l.name().equals("code") || l.name().equals("system")
					|| l.name().equals("status") || l.name().equals("gender") || l.name().equals("use"));
			case ODD_REFERENCE -> l -> l.isPrimitive() && l.name().equals("reference");
			case HUGE_NUMBER -> l -> l.value() != null && l.value().isNumber();
			case ABSENT_REASON_ONLY, ODD_TEXT, HUGE_STRING, EMPTY_STRING, BLANK -> Location::isPrimitive;
			case DUPLICATE -> l -> l.index >= 0;
			case EMPTY_ARRAY -> l -> l.value() != null && l.value().isArray();
			default -> l -> true;
		};
	}

	private static Location pick(List<Location> all, Random random, Predicate<Location> preferred) {
		List<Location> fitting = all.stream().filter(preferred).toList();
		List<Location> from = fitting.isEmpty() ? all : fitting;
		return from.get(random.nextInt(from.size()));
	}

	private static String apply(Op op, Location at, Random random) {
		switch (op) {
			case NULL -> at.set(NODES.nullNode());
			case EMPTY_STRING -> at.set(NODES.textNode(""));
			case BLANK -> at.set(NODES.textNode("   "));
			case EMPTY_ARRAY -> at.set(NODES.arrayNode());
			case EMPTY_OBJECT -> at.set(NODES.objectNode());
			case ABSENT_REASON_ONLY -> absentReasonOnly(at);
			case WRONG_TYPE -> at.set(wrongType(at.value(), random));
			case HUGE_NUMBER -> {
				String n = OddValues.any(random, OddValues.NUMBERS);
				at.set(NODES.numberNode(new BigDecimal(n)));
				return n;
			}
			case HUGE_STRING -> {
				int length = random.nextBoolean() ? 70_000 : 1_100_000;
				at.set(NODES.textNode("x".repeat(length)));
				return length + " characters";
			}
			case DEEP_NESTING -> {
				int depth = random.nextBoolean() ? 200 : 3_000;
				at.set(NODES.textNode(DEEP_PART));
				return "depth " + depth + (random.nextBoolean() ? " of extensions" : " of arrays");
			}
			case ODD_DATE -> {
				String v = OddValues.any(random, OddValues.DATES);
				at.set(NODES.textNode(v));
				return printable(v);
			}
			case ODD_CODE -> {
				String v = OddValues.any(random, OddValues.CODES);
				at.set(NODES.textNode(v));
				return printable(v);
			}
			case ODD_TEXT -> {
				String v = OddValues.any(random, OddValues.STRINGS);
				at.set(NODES.textNode(v));
				return printable(v);
			}
			case ODD_REFERENCE -> {
				String v = OddValues.any(random, OddValues.REFERENCES);
				at.set(NODES.textNode(v));
				return printable(v);
			}
			case REMOVE -> at.remove();
			case DUPLICATE -> {
				if (at.index >= 0) {
					((ArrayNode) at.container).add(at.value().deepCopy());
				} else {
					at.set(NODES.arrayNode().add(at.value().deepCopy()).add(at.value().deepCopy()));
				}
			}
			case UNKNOWN_ELEMENT -> {
				JsonNode target = at.value() != null && at.value().isObject() ? at.value() : at.container;
				if (target.isObject()) {
					((ObjectNode) target).put("bogusElement", "x");
				} else {
					at.set(NODES.objectNode().put("bogusElement", "x"));
				}
			}
			case EXTENSION_WITHOUT_URL -> {
				JsonNode target = at.value() != null && at.value().isObject() ? at.value() : at.container;
				ObjectNode extension = NODES.objectNode().put("valueString", "no url");
				if (target.isObject()) {
					((ObjectNode) target).set("extension", NODES.arrayNode().add(extension));
				}
			}
			default -> throw new IllegalStateException(op.name());
		}
		return "";
	}

	/** {@code "x": v} becomes {@code "_x": {extension: [data-absent-reason]}}; an array item likewise. */
	private static void absentReasonOnly(Location at) {
		ObjectNode reason = NODES.objectNode();
		reason.putArray("extension").addObject().put("url", ABSENT).put("valueCode", "unknown");
		if (at.index < 0) {
			ObjectNode owner = (ObjectNode) at.container;
			owner.remove(at.field);
			owner.set("_" + at.field, reason);
		} else if (at.owner != null) {
			ArrayNode items = (ArrayNode) at.container;
			items.set(at.index, NODES.nullNode());
			ArrayNode shadow = NODES.arrayNode();
			for (int i = 0; i < items.size(); i++) {
				shadow.add(i == at.index ? reason : NODES.nullNode());
			}
			at.owner.set("_" + at.field, shadow);
		}
	}

	private static JsonNode wrongType(JsonNode value, Random random) {
		if (value == null || value.isTextual()) {
			return random.nextBoolean() ? NODES.numberNode(42) : NODES.booleanNode(true);
		}
		if (value.isNumber() || value.isBoolean()) {
			return NODES.textNode(value.asText() + "!");
		}
		if (value.isObject()) {
			return random.nextBoolean() ? NODES.textNode("an object was expected") : NODES.arrayNode().add(value.deepCopy());
		}
		if (value.isArray()) {
			return value.isEmpty() ? NODES.objectNode() : value.get(0).deepCopy();
		}
		return NODES.arrayNode();
	}

	/** Stands for the deep part in the tree; replaced in the text (a tree that deep overflows the writer's stack). */
	private static final String DEEP_PART = "@@deep@@";

	/** Nested extensions (valid FHIR, deep) or nested arrays (not FHIR, deeper than JSON parsers allow), as text. */
	private static String nested(int depth, boolean extensions) {
		StringBuilder json = new StringBuilder();
		if (extensions) {
			json.append("{\"extension\":[");
			json.append("{\"url\":\"http://example.org/x\",\"extension\":[".repeat(depth));
			json.append("{\"url\":\"http://example.org/x\",\"valueString\":\"deep\"}");
			json.append("]}".repeat(depth)).append("]}");
		} else {
			json.append("[".repeat(depth)).append("\"deep\"").append("]".repeat(depth));
		}
		return json.toString();
	}

	/** The document itself broken: cut short, not JSON, another type, duplicated keys, a byte-order mark... */
	private static Mutated document(ObjectNode root, Random random) {
		String json = write(root);
		return switch (random.nextInt(10)) {
			case 0 -> new Mutated("document cut short", json.substring(0, random.nextInt(Math.max(1, json.length()))));
			case 1 -> new Mutated("not JSON", "<" + root.path("resourceType").asText() + "/>");
			case 2 -> new Mutated("a JSON array", "[" + json + "]");
			case 3 -> new Mutated("an empty body", "");
			case 4 -> new Mutated("the JSON null", "null");
			case 5 -> new Mutated("a byte-order mark first", "\ufeff" + json);
			case 6 -> new Mutated("resourceType twice", "{\"resourceType\":\"Basic\"," + json.substring(1));
			case 7 -> {
				root.put("resourceType", random.nextBoolean() ? "NotAType" : "Organization");
				yield new Mutated("another resourceType", write(root));
			}
			case 8 -> {
				root.remove("resourceType");
				yield new Mutated("no resourceType", write(root));
			}
			default -> new Mutated("trailing garbage", json + "}}]]\u0000");
		};
	}

	private static void collect(JsonNode node, String path, List<Location> into) {
		if (node.isObject()) {
			node.fieldNames().forEachRemaining(name -> {
				JsonNode child = node.get(name);
				String childPath = path.isEmpty() ? name : path + "." + name;
				into.add(new Location(node, name, -1, null, childPath));
				if (child.isArray()) {
					for (int i = 0; i < child.size(); i++) {
						into.add(new Location(child, name, i, (ObjectNode) node, childPath + "[" + i + "]"));
						collect(child.get(i), childPath + "[" + i + "]", into);
					}
				} else {
					collect(child, childPath, into);
				}
			});
		}
	}

	/** JSON text; a lone surrogate (not encodable as UTF-8) is written as a {@code \\uD800} escape. */
	private static String write(JsonNode node) {
		try {
			String json = JSON.writeValueAsString(node);
			return json.chars().anyMatch(c -> Character.isSurrogate((char) c)) && !isWellFormed(json)
					? ESCAPING.writeValueAsString(node) : json;
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	private static boolean isWellFormed(String text) {
		return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(text);
	}

	/** A value as a failure message may show it. */
	static String printable(String value) {
		String shown = value.length() > 60 ? value.substring(0, 60) + "... (" + value.length() + " chars)" : value;
		StringBuilder out = new StringBuilder("\"");
		shown.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
				|| Character.getType(c) == Character.FORMAT ? String.format("\\u%04x", c) : Character.toString(c)));
		return out.append('"').toString();
	}
}
