package uk.childlink.schools.attendance;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.schools.attendance.AttendanceCodes.Category;
import uk.childlink.conformance.CodeLists;

/**
 * One pupil's register marks at one school for one week (Monday to Friday, two sessions a day), and the weekly
 * attendance Observation they make. The marks themselves travel in the Observation (extension
 * {@value #MARKS_EXTENSION}: ten space-separated codes, Monday AM first, {@code -} for a session without a mark), so
 * that a mark sent again or corrected later replaces the one before and the counts are always recomputed from the
 * marks, never added to.
 */
public final class AttendanceWeek {

	public static final String IDENTIFIER_SYSTEM = "https://fhir.childlink.uk/Id/attendance-week";
	public static final String MARKS_EXTENSION = "https://fhir.childlink.uk/StructureDefinition/attendance-marks";
	public static final String PROFILE = "https://fhir.childlink.uk/StructureDefinition/attendance";
	static final String OBSERVATION_CODE = "https://fhir.childlink.uk/CodeSystem/observation-code";
	static final String AGENCY = CodeLists.AGENCY;
	private static final String NO_MARK = "-";
	private static final int SLOTS = 10;

	private final String[] marks = new String[SLOTS];

	/** The Monday of the week {@code day} falls in. */
	public static LocalDate monday(LocalDate day) {
		return day.minusDays(day.getDayOfWeek().getValue() - 1L);
	}

	/** Whether {@code day} is a school day of the week (Monday to Friday). */
	public static boolean isWeekday(LocalDate day) {
		return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
	}

	/** The conditional-update key: school + pupil + week. */
	public static String key(String schoolUrn, String patientId, LocalDate monday) {
		return schoolUrn + "-" + patientId + "-" + monday;
	}

	/** Sets (or replaces) the mark of a session; {@code day} must be a weekday. */
	public void set(LocalDate day, Session session, String code) {
		if (!isWeekday(day)) {
			throw new IllegalArgumentException(day + " is a " + day.getDayOfWeek() + "; marks are for Monday to Friday");
		}
		marks[(day.getDayOfWeek().getValue() - 1) * 2 + session.ordinal()] = code;
	}

	/** This week's marks with {@code newer}'s laid over them. */
	public AttendanceWeek overlaidWith(AttendanceWeek newer) {
		AttendanceWeek result = new AttendanceWeek();
		for (int i = 0; i < SLOTS; i++) {
			result.marks[i] = newer.marks[i] != null ? newer.marks[i] : marks[i];
		}
		return result;
	}

	/** The marks as stored in the extension: {@code "/ \ / \ N I - - - -"}. */
	public String text() {
		StringBuilder out = new StringBuilder();
		for (String mark : marks) {
			out.append(out.isEmpty() ? "" : " ").append(mark == null ? NO_MARK : mark);
		}
		return out.toString();
	}

	/** The marks stored in an attendance Observation (none when it has no marks extension). */
	public static AttendanceWeek of(Observation stored) {
		AttendanceWeek week = new AttendanceWeek();
		Extension ext = stored.getExtensionByUrl(MARKS_EXTENSION);
		if (ext != null && ext.getValue() instanceof StringType text && text.hasValue()) {
			String[] tokens = text.getValue().trim().split(" +");
			for (int i = 0; i < Math.min(tokens.length, SLOTS); i++) {
				week.marks[i] = NO_MARK.equals(tokens[i]) ? null : tokens[i];
			}
		}
		return week;
	}

	/**
	 * The attendance Observation of these marks for the week starting {@code monday}: the period runs from the first
	 * marked day to the last, so a week never reaches into a day without marks (nor over a school-year boundary).
	 */
	public Observation toObservation(LocalDate monday, String key, String patientId, String schoolId,
			AttendanceCodes codes) {
		Map<Category, Integer> byCategory = new EnumMap<>(Category.class);
		Map<String, Integer> byCode = new TreeMap<>();
		int first = -1;
		int last = -1;
		for (int i = 0; i < SLOTS; i++) {
			String mark = marks[i];
			if (mark == null) {
				continue;
			}
			Category category = codes.categoryOf(mark)
					.orElseThrow(() -> new IllegalArgumentException("unknown attendance code " + mark));
			byCategory.merge(category, 1, Integer::sum);
			byCode.merge(mark, 1, Integer::sum);
			first = first < 0 ? i : first;
			last = i;
		}
		if (first < 0) {
			throw new IllegalStateException("a week without marks has no attendance record");
		}
		int present = byCategory.getOrDefault(Category.PRESENT, 0);
		int activity = byCategory.getOrDefault(Category.APPROVED_ACTIVITY, 0);
		int authorised = byCategory.getOrDefault(Category.AUTHORISED, 0);
		int unauthorised = byCategory.getOrDefault(Category.UNAUTHORISED, 0);
		int notPossible = byCategory.getOrDefault(Category.NOT_POSSIBLE, 0);
		int possible = present + activity + authorised + unauthorised;

		Observation obs = new Observation();
		obs.getMeta().addProfile(PROFILE);
		obs.addExtension(MARKS_EXTENSION, new StringType(text()));
		obs.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(key);
		obs.setStatus(Observation.ObservationStatus.FINAL);
		obs.addCategory().addCoding(new Coding(AGENCY, "education", null));
		obs.getCode().addCoding(new Coding(OBSERVATION_CODE, "attendance-summary", null));
		obs.setSubject(new Reference("Patient/" + patientId));
		obs.setEffective(new Period()
				.setStartElement(day(monday.plusDays(first / 2)))
				.setEndElement(day(monday.plusDays(last / 2))));
		obs.addPerformer(new Reference("Organization/" + schoolId));
		if (possible > 0) {
			BigDecimal rate = BigDecimal.valueOf((present + activity) * 100L)
					.divide(BigDecimal.valueOf(possible), 1, RoundingMode.HALF_UP);
			obs.setValue(new Quantity().setValue(rate).setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
		}
		component(obs, OBSERVATION_CODE, "possible-sessions", possible);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, Category.PRESENT.code, present);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, Category.APPROVED_ACTIVITY.code, activity);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, Category.AUTHORISED.code, authorised);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, Category.UNAUTHORISED.code, unauthorised);
		if (notPossible > 0) {
			component(obs, AttendanceCodes.CATEGORY_SYSTEM, Category.NOT_POSSIBLE.code, notPossible);
		}
		byCode.forEach((code, count) -> component(obs, AttendanceCodes.CODE_SYSTEM, code, count));
		return obs;
	}

	private static DateTimeType day(LocalDate date) {
		return new DateTimeType(date.toString()); // day precision, from the text
	}

	private static void component(Observation obs, String system, String code, int count) {
		obs.addComponent().setCode(new CodeableConcept(new Coding(system, code, null))).setValue(new IntegerType(count));
	}
}
