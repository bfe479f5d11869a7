package uk.childlink.platform;

import java.time.LocalDate;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * The one way ChildLink reads a primitive of a client's resource. In FHIR a primitive may carry extensions and no
 * value (a {@code data-absent-reason}, say): HAPI's {@code hasX()} on the parent is then true while {@code getX()} is
 * null, and the generated getters of {@code boolean} and {@code int} elements unbox that null. So read the element
 * ({@code getSystemElement()}, {@code getActiveElement()}) through these, and never use {@code hasX()} as a null guard.
 */
public final class Primitives {

	private Primitives() {}

	/** The value, or null when the element is missing or carries only extensions. */
	public static <T> T value(IPrimitiveType<T> element) {
		return element == null ? null : element.getValue();
	}

	/** The value as FHIR writes it, or null when the element is missing or carries only extensions. */
	public static String text(IPrimitiveType<?> element) {
		return element == null || element.getValue() == null ? null : element.getValueAsString();
	}

	/**
	 * The calendar day of a FHIR date or dateTime as written (not an instant converted between zones); null when it has
	 * no value or is less precise than a day (a year, a month).
	 */
	public static LocalDate day(IPrimitiveType<?> element) {
		String text = text(element);
		return text != null && text.length() >= 10 ? LocalDate.parse(text.substring(0, 10)) : null;
	}

	/** Whether the element has a value (not only extensions). */
	public static boolean present(IPrimitiveType<?> element) {
		return value(element) != null;
	}

	/** Whether the element's value, as FHIR writes it, is {@code expected}; false when it has no value. */
	public static boolean is(IPrimitiveType<?> element, String expected) {
		return expected != null && Objects.equals(text(element), expected);
	}

	/** Whether the element's value starts with {@code prefix}; false when it has no value. */
	public static boolean startsWith(IPrimitiveType<?> element, String prefix) {
		String text = text(element);
		return text != null && text.startsWith(prefix);
	}

	/** True only for a boolean element whose value is true (missing or extension-only reads as not true). */
	public static boolean isTrue(IPrimitiveType<Boolean> element) {
		return Boolean.TRUE.equals(value(element));
	}

	/** True only for a boolean element whose value is false (missing or extension-only reads as not false). */
	public static boolean isFalse(IPrimitiveType<Boolean> element) {
		return Boolean.FALSE.equals(value(element));
	}
}
