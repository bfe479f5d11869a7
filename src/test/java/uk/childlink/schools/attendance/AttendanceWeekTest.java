package uk.childlink.schools.attendance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.loading.ConformanceFiles;

/** A week of marks, its Observation and how a later mark replaces an earlier one; the CSV line reading. */
class AttendanceWeekTest {

	static final AttendanceCodes CODES =
			new AttendanceCodes(new CodeLists(ConformanceFiles.readAll(FhirContext.forR4Cached())));
	static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);

	@Test
	void theCountsAreThoseOfTheMarksAndALaterMarkReplacesTheEarlierOne() {
		AttendanceWeek week = new AttendanceWeek();
		week.set(MONDAY, Session.AM, "/");
		week.set(MONDAY, Session.PM, "N");
		week.set(MONDAY.plusDays(2), Session.AM, "#");
		AttendanceWeek correction = new AttendanceWeek();
		correction.set(MONDAY, Session.PM, "M");
		correction.set(MONDAY.plusDays(1), Session.AM, "H");

		AttendanceWeek merged = week.overlaidWith(correction);
		Observation obs = merged.toObservation(MONDAY, "k", "1", "2", CODES);

		assertThat(merged.text()).isEqualTo("/ M H - # - - - - -");
		assertThat(AttendanceWeek.of(obs).text()).isEqualTo(merged.text());
		Map<String, Integer> counts = obs.getComponent().stream().collect(Collectors.toMap(
				c -> c.getCode().getCodingFirstRep().getCode(), c -> c.getValueIntegerType().getValue()));
		assertThat(counts).containsEntry("possible-sessions", 3).containsEntry("present", 1)
				.containsEntry("authorised", 2).containsEntry("unauthorised", 0).containsEntry("not-possible", 1)
				.containsEntry("M", 1).containsEntry("H", 1).doesNotContainKey("N");
		assertThat(obs.getValueQuantity().getValue()).isEqualByComparingTo("33.3");
		assertThat(obs.getEffectivePeriod().getStartElement().getValueAsString()).isEqualTo("2025-03-03");
		assertThat(obs.getEffectivePeriod().getEndElement().getValueAsString()).isEqualTo("2025-03-05");
	}

	@Test
	void aWeekOfClosuresHasNoRateAndWeekendsTakeNoMarks() {
		AttendanceWeek closed = new AttendanceWeek();
		closed.set(MONDAY, Session.AM, "#");
		assertThat(closed.toObservation(MONDAY, "k", "1", "2", CODES).hasValue()).isFalse();
		assertThatThrownBy(() -> closed.set(MONDAY.minusDays(1), Session.AM, "/"))
				.hasMessageContaining("Monday to Friday");
		assertThat(AttendanceWeek.monday(LocalDate.of(2025, 3, 9))).isEqualTo(MONDAY);
	}

	@Test
	void csvFieldsMayBeQuotedAndOverLongLinesAreCutOffNotKept() throws IOException {
		assertThat(MarksImport.split("\"100001\",\"a, \"\"b\"\"\",,x")).containsExactly("100001", "a, \"b\"", "", "x");

		LineReader lines = new LineReader(new StringReader("one\r\n" + "x".repeat(50) + "\nthree"), 10);
		List<String> read = new ArrayList<>();
		for (String line = lines.next(); line != null; line = lines.next()) {
			read.add(line == LineReader.TOO_LONG ? "TOO LONG at " + lines.number() : line);
		}
		assertThat(read).containsExactly("one", "TOO LONG at 2", "three");
	}
}
