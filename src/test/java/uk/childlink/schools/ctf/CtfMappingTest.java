package uk.childlink.schools.ctf;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.loading.ConformanceFiles;
import uk.childlink.schools.attendance.AttendanceCodes;
import uk.childlink.schools.attendance.AttendanceWeek;

/** Reading a CTF's AttendanceMarks and its pupils, without a server. */
class CtfMappingTest {

	static final CodeLists CODES = new CodeLists(ConformanceFiles.readAll(FhirContext.forR4Cached()));
	static final CtfMapping MAPPING = new CtfMapping(CODES, new AttendanceCodes(CODES));
	static final LocalDate TODAY = LocalDate.of(2025, 7, 18);

	@Test
	void marksAreOnePerSessionMondayToFridayWithTheTwoCharacterCodesReadWhole() {
		List<String> problems = new ArrayList<>();
		// Thursday 6 and Friday 7 March 2025, then Monday 10th: the weekend is not in the string
		Map<LocalDate, AttendanceWeek> weeks = MAPPING.weeks("/\\C1Y2-J1C\\ Y N", LocalDate.of(2025, 3, 6), TODAY,
				"test", problems);

		assertThat(problems).isEmpty();
		assertThat(weeks).containsOnlyKeys(LocalDate.of(2025, 3, 3), LocalDate.of(2025, 3, 10));
		assertThat(weeks.get(LocalDate.of(2025, 3, 3)).text()).isEqualTo("- - - - - - / \\ C1 Y2");
		// "-" leaves Monday morning unmarked; "J1", then "C" followed by "\" (not a digit: two marks)
		assertThat(weeks.get(LocalDate.of(2025, 3, 10)).text()).isEqualTo("- J1 C \\ Y N - - - -");
	}

	@Test
	void unknownCodesMarksInTheFutureAndAWeekendStartAreProblems() {
		List<String> problems = new ArrayList<>();
		MAPPING.weeks("/9/", LocalDate.of(2025, 3, 3), TODAY, "year", problems);
		assertThat(problems).containsExactly("year: mark 2 (2025-03-03 PM) '9' is not an attendance code");

		problems.clear();
		MAPPING.weeks("//////", LocalDate.of(2025, 7, 17), TODAY, "year", problems); // Thursday, Friday, Monday
		assertThat(problems).containsExactly("year: mark 5 is for 2025-07-21, in the future");

		problems.clear();
		MAPPING.weeks("/", LocalDate.of(2025, 3, 8), TODAY, "year", problems);
		assertThat(problems).singleElement().asString().contains("not a school day");
	}

	@Test
	void aPupilsValuesAreCheckedAsTheyAreRead() throws Exception {
		String xml = """
				<CTfile><Header><CTFVersion>24.1</CTFVersion><DateTime>2025-07-01T10:00:00</DateTime><SourceSchool><URN>990201</URN></SourceSchool></Header>
				<CTFpupilData><Pupil>
				  <UPN>G990200125001</UPN><UniqueLearnerNumber>1234567890</UniqueLearnerNumber>
				  <Surname>Quill</Surname><DOB>2016-02-30</DOB><Sex>X</Sex>
				  <BasicDetails><FormerUPN>G990200125002</FormerUPN></BasicDetails>
				  <LookedAfter><InCare>perhaps</InCare></LookedAfter>
				  <FSMhistory><FSMinstance><FSMstartDate>2024-05-01</FSMstartDate><FSMendDate>2024-04-01</FSMendDate></FSMinstance></FSMhistory>
				</Pupil></CTFpupilData></CTfile>""";
		try (CtfReader reader = new CtfReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))) {
			CtfHeader header = CtfHeader.of(reader.header(), TODAY);
			assertThat(header.version()).isEqualTo("24.1");
			CtfPupil pupil = CtfPupil.of(reader.nextPupil(), TODAY);
			assertThat(pupil.problems()).containsExactlyInAnyOrder(
					"FormerUPN: UPN 'G990200125002' has check letter 'G' where 'W' was expected (a mistyped character?)",
					"UniqueLearnerNumber: ULN '1234567890' fails its check digit (a mistyped digit?)",
					"Forename is missing",
					"DOB '2016-02-30' is not a date (YYYY-MM-DD)",
					"Gender 'X' is not M or F",
					"LookedAfter/InCare 'perhaps' is not true or false",
					"FSMinstance: FSMendDate 2024-04-01 is before FSMstartDate 2024-05-01");
			assertThat(reader.nextPupil()).isNull();
		}
	}
}
