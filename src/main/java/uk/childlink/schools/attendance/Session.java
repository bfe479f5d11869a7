package uk.childlink.schools.attendance;

/** The two sessions of a school day. */
public enum Session {
	AM, PM;

	/** {@code AM}/{@code PM} in any case, else null. */
	public static Session parse(String text) {
		if (text == null) {
			return null;
		}
		return switch (text.trim().toUpperCase(java.util.Locale.ROOT)) {
			case "AM" -> AM;
			case "PM" -> PM;
			default -> null;
		};
	}
}
