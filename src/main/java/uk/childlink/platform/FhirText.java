package uk.childlink.platform;

/**
 * What FHIR allows in text: strings "SHALL NOT contain Unicode character points below 32, except for u0009
 * (horizontal tab), u0010 (carriage return) and u0013 (line feed)" (R4, datatypes), and are Unicode, so hold no lone
 * surrogate. PostgreSQL refuses U+0000 and the database driver a lone surrogate, so text that may not follow the rule
 * (a client's URL quoted in the audit trail, say) is stored {@link #escaped}.
 */
public final class FhirText {

	private FhirText() {}

	/** What is wrong with the text as FHIR text; null when nothing. */
	public static String problem(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (forbidden(c)) {
				return "FHIR text has no control characters but tab, carriage return and line feed; this has U+"
						+ String.format("%04X", (int) c);
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			} else if (Character.isSurrogate(c)) {
				return "FHIR text is Unicode; this has a lone surrogate (U+" + String.format("%04X", (int) c)
						+ "), which is no character";
			}
		}
		return null;
	}

	/** The text with every character FHIR text may not hold written as a Java escape ({@code \\u0007}); null stays null. */
	public static String escaped(String text) {
		if (text == null || problem(text) == null) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1));
			if (pair) {
				out.append(c).append(text.charAt(++i));
			} else if (forbidden(c) || Character.isSurrogate(c)) {
				out.append(String.format("\\u%04x", (int) c));
			} else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static boolean forbidden(char c) {
		return c < 0x20 && c != '\t' && c != '\r' && c != '\n';
	}
}
