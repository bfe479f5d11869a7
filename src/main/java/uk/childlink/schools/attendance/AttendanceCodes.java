package uk.childlink.schools.attendance;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import uk.childlink.conformance.CodeLists;

/**
 * The register codes (current and the ones retired in 2024, which old registers still carry) and the statistical
 * category of each, taken from the published attendance-code CodeSystem.
 */
public final class AttendanceCodes {

	public static final String CODE_SYSTEM = "https://fhir.childlink.uk/CodeSystem/attendance-code";
	public static final String CATEGORY_SYSTEM = "https://fhir.childlink.uk/CodeSystem/attendance-category";

	/** Category codes of the attendance profile's components; the two authorised ones count as one. */
	public enum Category {
		PRESENT("present"), APPROVED_ACTIVITY("approved-educational-activity"), AUTHORISED("authorised"),
		UNAUTHORISED("unauthorised"), NOT_POSSIBLE("not-possible");

		public final String code;

		Category(String code) {
			this.code = code;
		}
	}

	private final Map<String, Category> categories = new TreeMap<>();

	public AttendanceCodes(CodeLists codeLists) {
		for (String code : codeLists.codes(CODE_SYSTEM)) {
			categories.put(code, category(codeLists, code));
		}
		if (categories.isEmpty()) {
			throw new IllegalStateException("the code system " + CODE_SYSTEM + " is not packaged");
		}
	}

	private static Category category(CodeLists codeLists, String code) {
		String category = codeLists.property(CODE_SYSTEM, code, "category")
				.orElseThrow(() -> new IllegalStateException("attendance code " + code + " has no category in "
						+ CODE_SYSTEM));
		return switch (category) {
			case "present" -> Category.PRESENT;
			case "approved-educational-activity" -> Category.APPROVED_ACTIVITY;
			case "authorised-leave", "authorised-other", "authorised" -> Category.AUTHORISED;
			case "unauthorised" -> Category.UNAUTHORISED;
			case "not-possible" -> Category.NOT_POSSIBLE;
			default -> throw new IllegalStateException("unknown attendance category " + category);
		};
	}

	/** The category of a register code, empty when it is not one. */
	public Optional<Category> categoryOf(String code) {
		return Optional.ofNullable(categories.get(code));
	}

	/** The codes, for messages. */
	public String list() {
		return String.join(" ", categories.keySet());
	}
}
