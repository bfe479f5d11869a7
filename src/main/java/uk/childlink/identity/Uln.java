package uk.childlink.identity;

/** A Unique Learner Number: 10 digits, the first not 0, whose weighted sum (weights 10..1) is 10 modulo 11 (HESA). */
public record Uln(String value) {

	public static Uln parse(String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidIdentifierException("ULN is empty");
		}
		String uln = text.strip();
		if (uln.length() != 10 || !uln.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new InvalidIdentifierException("ULN '" + text + "' is not 10 digits");
		}
		if (uln.charAt(0) == '0') {
			throw new InvalidIdentifierException("ULN '" + text + "' starts with 0, which no ULN does");
		}
		int sum = 0;
		for (int i = 0; i < 10; i++) {
			sum += (uln.charAt(i) - '0') * (10 - i);
		}
		if (sum % 11 != 10) {
			throw new InvalidIdentifierException("ULN '" + text + "' fails its check digit (a mistyped digit?)");
		}
		return new Uln(uln);
	}

	@Override
	public String toString() {
		return value;
	}
}
