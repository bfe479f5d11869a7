package uk.childlink.identity;

/**
 * An NHS number: ten digits whose last is a Modulus 11 check digit (NHS Data Dictionary). Accepts the usual written
 * forms ({@code 943 476 5919}, {@code 943-476-5919}) and keeps the ten bare digits.
 */
public record NhsNumber(String value) {

	public NhsNumber {
		if (value == null || value.length() != 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new InvalidIdentifierException("an NHS number is 10 digits: '" + value + "'");
		}
	}

	/** Normalises and checks {@code text}, or says what is wrong with it. */
	public static NhsNumber parse(String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidIdentifierException("NHS number is empty");
		}
		StringBuilder digits = new StringBuilder(10);
		for (char c : text.strip().toCharArray()) {
			if (c >= '0' && c <= '9') {
				digits.append(c);
			} else if (c != ' ' && c != '-') {
				throw new InvalidIdentifierException("NHS number '" + text + "' contains '" + c
						+ "': only the digits 0-9, spaces and hyphens are allowed");
			}
		}
		String bare = digits.toString();
		if (bare.length() != 10) {
			throw new InvalidIdentifierException("NHS number '" + text + "' has " + bare.length()
					+ " digits; an NHS number has 10");
		}
		if (bare.equals("0000000000") || bare.equals("9999999999")) {
			throw new InvalidIdentifierException("NHS number '" + text + "' is a placeholder, not an NHS number");
		}
		int check = checkDigit(bare);
		if (check == 10) {
			throw new InvalidIdentifierException("NHS number '" + text
					+ "' can never be issued: its first nine digits give a Modulus 11 check of 10");
		}
		if (bare.charAt(9) - '0' != check) {
			throw new InvalidIdentifierException("NHS number '" + text + "' fails the Modulus 11 check: its check digit is "
					+ bare.charAt(9) + " where " + check + " was expected (a mistyped digit?)");
		}
		return new NhsNumber(bare);
	}

	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		} catch (InvalidIdentifierException e) {
			return false;
		}
	}

	/** 11 minus the weighted sum (weights 10..2) of the first nine digits modulo 11; 11 becomes 0, 10 is impossible. */
	static int checkDigit(String digits) {
		int sum = 0;
		for (int i = 0; i < 9; i++) {
			sum += (digits.charAt(i) - '0') * (10 - i);
		}
		int check = 11 - sum % 11;
		return check == 11 ? 0 : check;
	}

	/** The usual 3-3-4 written form. */
	public String formatted() {
		return value.substring(0, 3) + " " + value.substring(3, 6) + " " + value.substring(6);
	}

	@Override
	public String toString() {
		return value;
	}
}
