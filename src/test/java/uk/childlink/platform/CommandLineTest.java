package uk.childlink.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandLineTest {

	@Test
	void theJarsCommandsAreFoundByName() {
		assertThat(CommandLine.of(new String[] {"token", "--scope", "user/*.rs"})).get()
				.extracting(c -> c.getClass().getName()).isEqualTo("uk.childlink.access.TokenCommand$Line");
		assertThat(CommandLine.of(new String[] {"import-ctf", "x.xml"})).get()
				.extracting(c -> c.getClass().getName()).isEqualTo("uk.childlink.schools.cli.ImportCommand$Line");
		assertThat(CommandLine.of(new String[] {"--server.port=8080"})).isEmpty();
		assertThat(CommandLine.of(new String[0])).isEmpty();
	}
}
