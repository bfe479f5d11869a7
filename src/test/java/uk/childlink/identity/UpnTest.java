package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpnTest {

	@Test
	void permanentUpn() {
		Upn upn = Upn.parse("B801200005001");
		assertThat(upn.value()).isEqualTo("B801200005001");
		assertThat(upn.temporary()).isFalse();
		assertThat(upn.laNumber()).isEqualTo("801");
	}

	@Test
	void temporaryUpnEndsInALetterThatCountsInTheCheck() {
		Upn upn = Upn.parse("X00180001701A");
		assertThat(upn.temporary()).isTrue();
		assertThat(Upn.isValid("G93521060100A")).isTrue();
	}

	@Test
	void lowerCaseAndSurroundingSpaceAreNormalised() {
		assertThat(Upn.parse("  b801200005001 ").value()).isEqualTo("B801200005001");
	}

	@Test
	void theWidelyCopiedVendorExampleIsWrong() {
		// B207000016049 computes to P, not B (nor the Q the vendor documents claim)
		assertThatThrownBy(() -> Upn.parse("B207000016049"))
				.hasMessage("UPN 'B207000016049' has check letter 'B' where 'P' was expected (a mistyped character?)");
		assertThat(Upn.parse("P207000016049").value()).isEqualTo("P207000016049");
	}

	@ParameterizedTest
	@CsvSource({
		"B80120000500, has 12 characters",
		"B8012000050011, has 14 characters",
		"'', is empty",
		"B80120A005001, has 'A' at position 7",
		"B80120000500I, never use",
		"B80120000500O, never use",
		"B80120000500-, ends in '-'",
		"'B８01200005001', has '８' at position 2",
		"C801200005001, check letter 'C' where 'B' was expected",
	})
	void malformedUpnsSayWhatIsWrong(String input, String message) {
		assertThatThrownBy(() -> Upn.parse(input))
				.isInstanceOf(InvalidIdentifierException.class)
				.hasMessageContaining(message);
	}
}
