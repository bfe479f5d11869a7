package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UlnTest {

	@Test
	void validUln() {
		assertThat(Uln.parse(" 9276308686 ").value()).isEqualTo("9276308686");
	}

	@ParameterizedTest
	@CsvSource({
		"9276308687, fails its check digit",
		"0276308686, starts with 0",
		"927630868, is not 10 digits",
		"92763086860, is not 10 digits",
		"927630868X, is not 10 digits",
		"'', is empty",
	})
	void invalidUlnsSayWhy(String input, String message) {
		assertThatThrownBy(() -> Uln.parse(input)).isInstanceOf(InvalidIdentifierException.class).hasMessageContaining(message);
	}
}
