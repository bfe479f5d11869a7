package uk.childlink.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/** The server's context is the one Boot makes for a servlet application, and it freezes its bean definitions early. */
class ServerContextFactoryTest {

	@Test
	void bootMakesTheServersContextForAServletApplicationOnly() {
		// what SpringApplication (and the tests' SpringBootContextLoader) asks, through META-INF/spring.factories
		assertThat(ApplicationContextFactory.DEFAULT.create(WebApplicationType.SERVLET))
				.isInstanceOf(ServerContextFactory.Context.class);
		assertThat(ApplicationContextFactory.DEFAULT.create(WebApplicationType.NONE))
				.isNotInstanceOf(ServerContextFactory.Context.class);
	}

	@Test
	void definitionsAreFrozenAsTheWebServerIsMadeExceptForPlainHapi() {
		assertThat(frozenAtRefresh(new MockEnvironment())).isTrue();
		assertThat(frozenAtRefresh(new MockEnvironment().withProperty(PlainHapi.PROPERTY, "true"))).isFalse();
	}

	private static boolean frozenAtRefresh(MockEnvironment environment) {
		ServerContextFactory.Context context = new ServerContextFactory.Context();
		context.setEnvironment(environment);
		try (ConfigurableApplicationContext closing = context) {
			assertThat(context.getBeanFactory().isConfigurationFrozen()).isFalse();
			context.freezeUnlessPlainHapi(); // (what onRefresh does before it makes the web server)
			return context.getBeanFactory().isConfigurationFrozen();
		}
	}
}
