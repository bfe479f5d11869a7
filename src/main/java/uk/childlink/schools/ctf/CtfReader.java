package uk.childlink.schools.ctf;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.exc.WstxLazyException;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a Common Transfer File as a stream: the header, then one pupil at a time, so that memory holds one pupil
 * whatever the size of the file. Hardened against hostile XML: a DOCTYPE (and with it every entity declaration, the
 * route of XXE and "billion laughs") is refused outright, external entities are never resolved, and a pupil may not
 * nest deeper than {@value #MAX_DEPTH} elements, hold more than {@value #MAX_ELEMENTS} elements or
 * {@value #MAX_PUPIL_TEXT} characters of text, or have an element text longer than {@value #MAX_TEXT} characters.
 */
final class CtfReader implements AutoCloseable {

	static final int MAX_DEPTH = 24;
	static final int MAX_ELEMENTS = 20_000;
	static final int MAX_TEXT = 20_000;
	static final int MAX_PUPIL_TEXT = 500_000;

	/** The file cannot be read further (malformed, hostile or not a CTF); {@code line} is where, if known. */
	static final class BadFile extends Exception {
		final int line;

		BadFile(String message, int line) {
			super(message);
			this.line = line;
		}
	}

	private static final XMLInputFactory FACTORY = factory();

	private final XMLStreamReader xml;
	private boolean inPupilData;

	CtfReader(InputStream in) throws BadFile {
		try {
			xml = FACTORY.createXMLStreamReader(in);
		} catch (XMLStreamException | WstxLazyException e) {
			throw bad(e);
		}
	}

	private static XMLInputFactory factory() {
		// Woodstox rather than the JDK's reader, for its input limits: the JDK's reads a comment or an attribute of
		// any length whole into memory
		XMLInputFactory factory = new WstxInputFactory();
		factory.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, MAX_TEXT * 5); // any text, comment or PI
		factory.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, 10_000);
		factory.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 100);
		factory.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, MAX_DEPTH + 4);
		factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
		factory.setProperty(XMLInputFactory.IS_COALESCING, false);
		return factory;
	}

	/** Reads up to and including the header; the root must be {@code CTfile}. */
	Node header() throws BadFile {
		Node root = nextStart(0);
		if (root == null || !root.name.equalsIgnoreCase("CTfile")) {
			throw new BadFile("not a Common Transfer File: the root element is "
					+ (root == null ? "missing" : "<" + root.name + ">") + ", not <CTfile>", line());
		}
		Node first = nextStart(1);
		if (first == null || !first.name.equalsIgnoreCase("Header")) {
			throw new BadFile("a CTF starts with its <Header>; found "
					+ (first == null ? "nothing" : "<" + first.name + ">"), line());
		}
		return element(first);
	}

	/** The next pupil, or null at the end of the file. */
	Node nextPupil() throws BadFile {
		while (true) {
			Node start = nextStart(inPupilData ? 2 : 1);
			if (start == null) {
				return null;
			}
			if (!inPupilData && start.name.equalsIgnoreCase("CTFpupilData")) {
				inPupilData = true;
			} else if (inPupilData && start.name.equalsIgnoreCase("Pupil")) {
				return element(start);
			} else {
				skip(start);
			}
		}
	}

	private int depth;

	/** Moves to the next start element at {@code wantedDepth} (0 = root); null when the level ends. */
	private Node nextStart(int wantedDepth) throws BadFile {
		try {
			while (xml.hasNext()) {
				int event = xml.next();
				switch (event) {
					case XMLStreamConstants.DTD -> throw new BadFile("the file has a DOCTYPE; a CTF has none, and files "
							+ "with DOCTYPE or entity declarations are refused (they can read server files or exhaust "
							+ "memory)", line());
					case XMLStreamConstants.ENTITY_REFERENCE -> throw new BadFile("the file refers to an entity ("
							+ xml.getLocalName() + "); a CTF has none", line());
					case XMLStreamConstants.START_ELEMENT -> {
						depth++;
						if (depth - 1 == wantedDepth) {
							return new Node(xml.getLocalName(), line());
						}
					}
					case XMLStreamConstants.END_ELEMENT -> {
						depth--;
						if (depth < wantedDepth) {
							return null;
						}
					}
					default -> {
						// text between elements, comments, processing instructions: not needed
					}
				}
			}
			return null;
		} catch (XMLStreamException | WstxLazyException e) {
			throw bad(e);
		}
	}

	/** Reads the element just started into {@code node} (children and text), within the limits. */
	private Node element(Node node) throws BadFile {
		Deque<Node> open = new ArrayDeque<>();
		open.push(node);
		int elements = 1;
		long characters = 0;
		try {
			while (!open.isEmpty()) {
				int event = xml.next();
				switch (event) {
					case XMLStreamConstants.START_ELEMENT -> {
						if (open.size() >= MAX_DEPTH) {
							throw new BadFile("elements nested more than " + MAX_DEPTH + " deep", line());
						}
						if (++elements > MAX_ELEMENTS) {
							throw new BadFile("<" + node.name + "> has more than " + MAX_ELEMENTS + " elements", line());
						}
						Node child = new Node(xml.getLocalName(), line());
						open.peek().children.add(child);
						open.push(child);
						depth++;
					}
					case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
						Node current = open.peek();
						if (current.text.length() + xml.getTextLength() > MAX_TEXT) {
							throw new BadFile("<" + current.name + "> has more than " + MAX_TEXT + " characters of text",
									line());
						}
						characters += xml.getTextLength();
						if (characters > MAX_PUPIL_TEXT) {
							throw new BadFile("<" + node.name + "> has more than " + MAX_PUPIL_TEXT + " characters of text",
									line());
						}
						current.text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
					}
					case XMLStreamConstants.END_ELEMENT -> {
						open.pop();
						depth--;
					}
					case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
							throw new BadFile("the file refers to an entity; a CTF has none", line());
					case XMLStreamConstants.END_DOCUMENT -> throw new BadFile("the file ends inside <" + node.name + ">",
							line());
					default -> {
						// comments, processing instructions
					}
				}
			}
			return node;
		} catch (XMLStreamException | WstxLazyException e) {
			throw bad(e);
		}
	}

	private void skip(Node start) throws BadFile {
		element(start); // within the same limits, so a huge unknown element cannot fill the memory either
	}

	private int line() {
		return xml.getLocation() == null ? -1 : xml.getLocation().getLineNumber();
	}

	/** Woodstox reports some errors late, from inside the text it hands over, as an unchecked wrapper. */
	private BadFile bad(Exception thrown) {
		XMLStreamException e = thrown instanceof XMLStreamException x ? x
				: thrown.getCause() instanceof XMLStreamException x ? x : new XMLStreamException(thrown.getMessage());
		int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
		String message = e.getMessage() == null ? "unreadable XML"
				: e.getMessage().replaceFirst("(?s)\\s*at \\[row,col.*$", "").replace('\n', ' ');
		return new BadFile("malformed XML: " + message, line);
	}

	@Override
	public void close() {
		try {
			xml.close();
		} catch (XMLStreamException e) {
			// nothing more to read
		}
	}
}
