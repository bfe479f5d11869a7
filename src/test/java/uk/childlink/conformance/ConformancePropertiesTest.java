package uk.childlink.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Validation on write is on unless an operator turns it off by the name the README gives. */
class ConformancePropertiesTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ConformanceProperties.class)
	static class Config {}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
			.withUserConfiguration(Config.class);

	@Test
	void validationOnWriteIsOnByDefault() {
		runner.run(context -> assertThat(context.getBean(ConformanceProperties.class).validateOnWrite()).isTrue());
	}

	@Test
	void theEnvironmentVariableInTheReadmeTurnsItOff() {
		runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
						new SystemEnvironmentPropertySource("test-systemEnvironment",
								Map.of("CHILDLINK_CONFORMANCE_VALIDATEONWRITE", "false"))))
				.run(context -> assertThat(context.getBean(ConformanceProperties.class).validateOnWrite()).isFalse());
	}
}
