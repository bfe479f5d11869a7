package uk.childlink.platform;

import java.io.IOException;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * The same jar as a plain HAPI FHIR JPA server ({@code childlink.plain-hapi=true}): what a user would run instead of
 * ChildLink, so that the benchmark ({@code bench/run.sh}) can put every figure beside plain HAPI's from one run. It is
 * HAPI's JPA server with HAPI's default settings, on the same embedded PostgreSQL behind the same HTTP endpoint, and
 * nothing of ChildLink's: no module is even created (no profiles, validation, identity rules, access control, audit,
 * imports or derived flags) and no interceptor is registered. Anyone who can reach it reads and writes everything:
 * never for real data. Registered in {@code META-INF/spring.factories}.
 */
public final class PlainHapi {

	public static final String PROPERTY = "childlink.plain-hapi";

	private PlainHapi() {}

	public static boolean on(Environment environment) {
		return environment.getProperty(PROPERTY, Boolean.class, false);
	}

	/** HAPI's defaults where ChildLink has its own settings, and no Spring Security (plain HAPI has none). */
	public static final class Settings implements EnvironmentPostProcessor {

		private static final String REUSE = "childlink.server.search-cache-reuse";

		@Override
		public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
			if (!on(environment)) {
				return;
			}
			// HAPI's default reuse of a stored search (an identical search within a minute answered from the results
			// of the first), unless the command line asks for another: the benchmark also asks plain HAPI with every
			// search fresh, as ChildLink answers them
			String reuse = environment.getProperty(REUSE, "60s");
			environment.getPropertySources().addFirst(new MapPropertySource("plain-hapi", Map.of(
					"childlink.storage.tuned", "false",
					REUSE, reuse,
					"spring.autoconfigure.exclude", String.join(",",
							"org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
							"org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration",
							"org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
							"org.springframework.boot.autoconfigure.security.oauth2.resource.servlet"
									+ ".OAuth2ResourceServerAutoConfiguration",
							"org.springframework.boot.actuate.autoconfigure.security.servlet"
									+ ".ManagementWebSecurityAutoConfiguration"))));
		}
	}

	/** Puts {@link Scope} in place before the component scan runs. */
	public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			if (on(context.getEnvironment())) {
				context.getBeanFactory().registerSingleton("childlinkPlainHapiScope", new Scope());
			}
		}
	}

	/**
	 * Leaves ChildLink's modules out of the component scan (Boot's {@link TypeExcludeFilter} asks every bean of this
	 * type): only the platform remains, which runs HAPI, the database and the HTTP endpoint.
	 */
	static final class Scope extends TypeExcludeFilter {

		@Override
		public boolean match(MetadataReader reader, MetadataReaderFactory factory) throws IOException {
			String name = reader.getClassMetadata().getClassName();
			return name.startsWith("uk.childlink.") && !name.startsWith("uk.childlink.platform.")
					&& !name.equals("uk.childlink.ChildLinkApplication");
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Scope;
		}

		@Override
		public int hashCode() {
			return Scope.class.hashCode();
		}
	}
}
