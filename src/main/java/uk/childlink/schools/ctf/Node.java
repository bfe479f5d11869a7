package uk.childlink.schools.ctf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small read-only element tree of one part of a CTF (the header, or one pupil). Element names are matched without
 * case, since the casing of some CTF elements varies between sources ({@code CTFversion}, {@code CTFVersion}).
 */
final class Node {

	final String name;
	final int line;
	final List<Node> children = new ArrayList<>();
	final StringBuilder text = new StringBuilder();

	Node(String name, int line) {
		this.name = name;
		this.line = line;
	}

	/** The first child of that name, or null. */
	Node child(String childName) {
		for (Node child : children) {
			if (child.name.equalsIgnoreCase(childName)) {
				return child;
			}
		}
		return null;
	}

	/** Every child of that name. */
	List<Node> all(String childName) {
		return children.stream().filter(c -> c.name.equalsIgnoreCase(childName)).toList();
	}

	/** The trimmed text of the element at the path (names separated by '/'), or null when absent or empty. */
	String text(String path) {
		Node node = this;
		for (String step : path.split("/")) {
			node = node.child(step);
			if (node == null) {
				return null;
			}
		}
		String value = node.text.toString().strip();
		return value.isEmpty() ? null : value;
	}

	/** The first of the paths that has text. */
	String firstText(String... paths) {
		for (String path : paths) {
			String value = text(path);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	String lowerName() {
		return name.toLowerCase(Locale.ROOT);
	}
}
