package uk.childlink.identity;

import java.util.Locale;

/**
 * A Unique Pupil Number (DfE): 13 characters, a check letter then 12 digits (permanent), or a check letter,
 * 11 digits and a final letter (temporary). Stored upper case.
 */
public record Upn(String value, boolean temporary) {

	/** The 23 letters UPNs use, in check order (I, O and S are never used). */
	static final String LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

	public static Upn parse(String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidIdentifierException("UPN is empty");
		}
		String upn = text.strip().toUpperCase(Locale.ROOT);
		if (upn.length() != 13) {
			throw new InvalidIdentifierException("UPN '" + text + "' has " + upn.length() + " characters; a UPN has 13");
		}
		for (int i = 1; i < 12; i++) {
			if (upn.charAt(i) < '0' || upn.charAt(i) > '9') {
				throw new InvalidIdentifierException("UPN '" + text + "' has '" + upn.charAt(i) + "' at position " + (i + 1)
						+ ": characters 2 to 12 are digits");
			}
		}
		char last = upn.charAt(12);
		boolean temporary = last >= 'A' && last <= 'Z';
		if (!temporary && (last < '0' || last > '9')) {
			throw new InvalidIdentifierException("UPN '" + text + "' ends in '" + last + "': a UPN ends in a digit (permanent) or a letter (temporary)");
		}
		if (temporary && LETTERS.indexOf(last) < 0) {
			throw new InvalidIdentifierException("UPN '" + text + "' ends in '" + last + "', a letter UPNs never use (I, O, S)");
		}
		char expected = checkLetter(upn);
		if (upn.charAt(0) != expected) {
			throw new InvalidIdentifierException("UPN '" + text + "' has check letter '" + upn.charAt(0) + "' where '"
					+ expected + "' was expected (a mistyped character?)");
		}
		return new Upn(upn, temporary);
	}

	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		} catch (InvalidIdentifierException e) {
			return false;
		}
	}

	/** Characters 2..13 weighted by their position 2..13 (a final letter by its index in {@link #LETTERS}), mod 23. */
	static char checkLetter(String upn) {
		int sum = 0;
		for (int position = 2; position <= 13; position++) {
			char c = upn.charAt(position - 1);
			int v = c >= '0' && c <= '9' ? c - '0' : LETTERS.indexOf(c);
			sum += v * position;
		}
		return LETTERS.charAt(sum % 23);
	}

	/** The 3-digit local authority number the UPN was issued under. */
	public String laNumber() {
		return value.substring(1, 4);
	}

	@Override
	public String toString() {
		return value;
	}
}
