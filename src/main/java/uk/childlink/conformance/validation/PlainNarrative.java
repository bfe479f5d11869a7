package uk.childlink.conformance.validation;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The narrative the compiled checker vouches for: a subset of what HL7's validator accepts (its {@code XhtmlValidator},
 * the narrative's invariants txt-1 and txt-2), small enough to be certain of. An XHTML {@code div} whose descendants
 * are text (printable ASCII) and the basic formatting elements below, with no attributes, placed as HL7's validator
 * requires (no block inside a paragraph or inline element, an inline element not inside itself, table rows in tables,
 * list items in lists...), and some text that is not white space. Links, images, ids, languages, styles, comments
 * and anything else go to HL7's validator, as all narrative did before. {@code FastCheckIT} holds it to HL7's verdict
 * over the FHIR R4 examples, which almost all carry narrative.
 */
final class PlainNarrative {

	private static final String XHTML = "http://www.w3.org/1999/xhtml";

	/** Elements that may hold no block element (HL7's "paragraph rules"), and those that may not nest in themselves. */
	private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "span", "b",
			"i", "em", "strong", "small", "sub", "sup", "code");
	private static final Set<String> INLINE = Set.of("b", "i", "em", "strong", "small", "sub", "sup", "code");
	private static final Set<String> BLOCKS = Set.of("div", "pre", "table", "ul", "ol");

	/** Elements with the only parents and the only children each may have (null: any of the allowed elements). */
	private record Placement(Set<String> parents, Set<String> children) {}

	private static final Placement ANYWHERE = new Placement(null, null);

	private static final Map<String, Placement> ELEMENTS = Map.ofEntries(
			Map.entry("div", ANYWHERE),
			Map.entry("p", ANYWHERE),
			Map.entry("h1", ANYWHERE),
			Map.entry("h2", ANYWHERE),
			Map.entry("h3", ANYWHERE),
			Map.entry("h4", ANYWHERE),
			Map.entry("h5", ANYWHERE),
			Map.entry("h6", ANYWHERE),
			Map.entry("pre", ANYWHERE),
			Map.entry("span", ANYWHERE),
			Map.entry("b", ANYWHERE),
			Map.entry("i", ANYWHERE),
			Map.entry("em", ANYWHERE),
			Map.entry("strong", ANYWHERE),
			Map.entry("small", ANYWHERE),
			Map.entry("sub", ANYWHERE),
			Map.entry("sup", ANYWHERE),
			Map.entry("code", ANYWHERE),
			Map.entry("br", new Placement(null, Set.of())),
			Map.entry("ul", new Placement(null, Set.of("li"))),
			Map.entry("ol", new Placement(null, Set.of("li"))),
			Map.entry("li", new Placement(Set.of("ul", "ol"), null)),
			Map.entry("table", new Placement(null, Set.of("thead", "tbody", "tr"))),
			Map.entry("thead", new Placement(Set.of("table"), Set.of("tr"))),
			Map.entry("tbody", new Placement(Set.of("table"), Set.of("tr"))),
			Map.entry("tr", new Placement(Set.of("table", "thead", "tbody"), Set.of("td", "th"))),
			Map.entry("td", new Placement(Set.of("tr"), null)),
			Map.entry("th", new Placement(Set.of("tr"), null)));

	private PlainNarrative() {}

	/** True only for a narrative div certainly valid by the rules above. */
	static boolean plain(XhtmlNode div) {
		if (div == null || div.getNodeType() != NodeType.Element || !"div".equals(div.getName())
				|| !XHTML.equals(div.getNsDecl()) || !onlyNamespace(div)) {
			return false;
		}
		boolean[] text = {false};
		return children(div, Set.of("div"), text) && text[0];
	}

	/** The root div's only attribute is its namespace declaration. */
	private static boolean onlyNamespace(XhtmlNode div) {
		return div.getAttributes().keySet().stream().allMatch("xmlns"::equals);
	}

	/** {@code ancestors}: the names of the elements enclosing {@code parent}'s children, {@code parent} included. */
	private static boolean children(XhtmlNode parent, Set<String> ancestors, boolean[] text) {
		Placement placement = ELEMENTS.get(parent.getName());
		for (XhtmlNode child : parent.getChildNodes()) {
			if (child.getNodeType() == NodeType.Text) {
				String content = child.getContent();
				if (content == null || !ascii(content)) {
					return false;
				}
				if (!content.isBlank()) {
					// text only where HL7's validator allows it: not directly in a list, table or table section
					if (placement.children() != null) {
						return false;
					}
					text[0] = true;
				}
				continue;
			}
			if (child.getNodeType() != NodeType.Element || !element(child, parent, placement, ancestors)
					|| !child.getChildNodes().isEmpty() && !children(child, with(ancestors, child.getName()), text)) {
				return false;
			}
		}
		return true;
	}

	private static Set<String> with(Set<String> names, String name) {
		Set<String> more = new HashSet<>(names);
		more.add(name);
		return more;
	}

	private static boolean element(XhtmlNode child, XhtmlNode parent, Placement parentPlacement, Set<String> ancestors) {
		String name = child.getName();
		Placement placement = ELEMENTS.get(name);
		if (placement == null || child.getNsDecl() != null || !child.getAttributes().isEmpty()) {
			return false;
		}
		if (parentPlacement.children() != null && !parentPlacement.children().contains(name)) {
			return false;
		}
		if (placement.parents() != null && !placement.parents().contains(parent.getName())) {
			return false;
		}
		// no block inside a paragraph or inline element, no inline element inside itself
		if (BLOCKS.contains(name) && ancestors.stream().anyMatch(PARAGRAPHS::contains)) {
			return false;
		}
		return !INLINE.contains(name) || !ancestors.contains(name);
		// (a list item or a table cell may hold blocks: HL7's validator sets no rule for them)
	}

	/** Printable ASCII and ordinary white space: no entity or character whose handling the two parsers may differ on. */
	private static boolean ascii(String content) {
		for (int i = 0; i < content.length(); i++) {
			char c = content.charAt(i);
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7E) {
				return false;
			}
		}
		return true;
	}
}
