package uk.childlink.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The platform settings as an operator meets them: defaults, and a clear refusal of nonsense at start-up. */
class PlatformPropertiesTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(PlatformProperties.class)
	static class Config {}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(
					ConfigurationPropertiesAutoConfiguration.class, ValidationAutoConfiguration.class))
			.withUserConfiguration(Config.class);

	@Test
	void defaults() {
		runner.run(context -> {
			PlatformProperties props = context.getBean(PlatformProperties.class);
			assertThat(props.dataDir()).isEqualTo(Path.of("data"));
			assertThat(props.embeddedDbDir()).isEqualTo(Path.of("data", "postgres"));
			assertThat(props.embeddedDbPort()).isZero();
			assertThat(props.defaultPageSize()).isEqualTo(20);
			assertThat(props.maxPageSize()).isEqualTo(500);
			assertThat(props.searchCacheReuse()).isEqualTo(Duration.ZERO);
			assertThat(props.publicBaseUrl()).isNull();
			assertThat(props.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(props.maxRequestSize()).isEqualTo(org.springframework.util.unit.DataSize.ofMegabytes(20));
		});
	}

	@Test
	void environmentVariablesNamedInTheReadmeBind() {
		Map<String, Object> env = Map.of(
				"CHILDLINK_SERVER_DATA_DIR", "/srv/childlink",
				"CHILDLINK_SERVER_EMBEDDEDDBPORT", "5433",
				"CHILDLINK_SERVER_DEFAULTPAGESIZE", "10",
				"CHILDLINK_SERVER_MAXPAGESIZE", "100",
				"CHILDLINK_SERVER_SEARCHCACHEREUSE", "30s",
				"CHILDLINK_SERVER_PUBLICBASEURL", "https://fhir.example.org/fhir",
				"CHILDLINK_SERVER_STATEMENTTIMEOUT", "2m");
		runner.withInitializer(context -> context.getEnvironment().getPropertySources()
						.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env)))
				.run(context -> {
					PlatformProperties props = context.getBean(PlatformProperties.class);
					assertThat(props.dataDir()).isEqualTo(Path.of("/srv/childlink"));
					assertThat(props.embeddedDbPort()).isEqualTo(5433);
					assertThat(props.defaultPageSize()).isEqualTo(10);
					assertThat(props.maxPageSize()).isEqualTo(100);
					assertThat(props.searchCacheReuse()).isEqualTo(Duration.ofSeconds(30));
					assertThat(props.publicBaseUrl()).hasToString("https://fhir.example.org/fhir");
					assertThat(props.statementTimeout()).isEqualTo(Duration.ofMinutes(2));
				});
	}

	@Test
	void outOfRangeValueNamesTheSetting() {
		runner.withPropertyValues("childlink.server.embedded-db-port=70000").run(context -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure())).hasMessageContaining("childlink.server")
					.hasMessageContaining("embeddedDbPort");
		});
	}

	@Test
	void defaultPageLargerThanMaximumIsRefused() {
		runner.withPropertyValues("childlink.server.default-page-size=50", "childlink.server.max-page-size=10").run(context -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("childlink.server.default-page-size (50) must not be larger than childlink.server.max-page-size (10)");
		});
	}
}
