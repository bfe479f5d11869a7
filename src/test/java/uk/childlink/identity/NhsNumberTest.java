package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

	@ParameterizedTest
	@CsvSource({
		"9434765919, 9434765919",
		"943 476 5919, 9434765919",
		"943-476-5919, 9434765919",
		"'  9434765919  ', 9434765919",
		"9912003888, 9912003888",   // UK Core's example
		"9990000018, 9990000018",   // 999 test range
	})
	void validNumbersAreNormalisedToTenDigits(String input, String expected) {
		assertThat(NhsNumber.parse(input).value()).isEqualTo(expected);
		assertThat(NhsNumber.isValid(input)).isTrue();
	}

	@Test
	void formattedIsThreeThreeFour() {
		assertThat(NhsNumber.parse("9434765919").formatted()).isEqualTo("943 476 5919");
	}

	@Test
	void checkDigitOfElevenIsWrittenZero() {
		// 9 9 9 0 0 0 0 0 5 weighted 10..2: 90+81+72+10 = 253 = 23 x 11, so 11 - 0 = 11, written 0
		assertThat(NhsNumber.parse("9990000050").value()).isEqualTo("9990000050");
		assertThatThrownBy(() -> NhsNumber.parse("9990000051")).hasMessageContaining("where 0 was expected");
	}

	@Test
	void wrongCheckDigitSaysWhichDigitWasExpected() {
		assertThatThrownBy(() -> NhsNumber.parse("9434765918"))
				.isInstanceOf(InvalidIdentifierException.class)
				.hasMessage("NHS number '9434765918' fails the Modulus 11 check: its check digit is 8 where 9 was expected (a mistyped digit?)");
	}

	@Test
	void thePopularInvalidExampleIsRefused() {
		assertThatThrownBy(() -> NhsNumber.parse("9876544321")).hasMessageContaining("fails the Modulus 11 check");
	}

	@Test
	void aNumberWhoseCheckWouldBeTenCanNeverBeIssued() {
		// 9 9 9 0 0 0 0 0 0 weighted 10..2: 90+81+72 = 243 = 22 x 11 + 1, so 11 - 1 = 10: no digit can be its check
		assertThatThrownBy(() -> NhsNumber.parse("9990000000")).hasMessageContaining("can never be issued");
	}

	@ParameterizedTest
	@ValueSource(strings = {"9999999999", "0000000000", "999 999 9999"})
	void placeholdersAreRefused(String filler) {
		assertThatThrownBy(() -> NhsNumber.parse(filler)).hasMessageContaining("is a placeholder");
	}

	@ParameterizedTest
	@CsvSource({
		"943476591, has 9 digits",
		"94347659190, has 11 digits",
		"'', is empty",
		"'   ', is empty",
		"943476591X, contains 'X'",
		"9434.765.919, contains '.'",
		"'943\t476\t5919', contains",
		"'٩٤٣٤٧٦٥٩١٩', contains '٩'",        // Arabic-Indic digits: digits to Unicode, not to the NHS
		"'９４３４７６５９１９', contains '９'", // full-width digits
		"'9434765919\u0000', contains",
		"'+449434765919', contains '+'",
	})
	void malformedInputSaysWhatIsWrong(String input, String message) {
		assertThatThrownBy(() -> NhsNumber.parse(input))
				.isInstanceOf(InvalidIdentifierException.class)
				.hasMessageContaining(message);
	}

	@Test
	void nullIsRefusedCleanly() {
		assertThatThrownBy(() -> NhsNumber.parse(null)).isInstanceOf(InvalidIdentifierException.class);
		assertThat(NhsNumber.isValid(null)).isFalse();
	}

	@Test
	void theRecordItselfOnlyHoldsTenDigits() {
		assertThatThrownBy(() -> new NhsNumber("943 476 5919")).isInstanceOf(InvalidIdentifierException.class);
	}
}
