package uk.childlink.signals.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsTest {

	private final Endpoints production = new Endpoints(false, List.of());

	@Test
	void anHttpsEndpointOnAPublicAddressIsTaken() {
		assertThat(production.problem("https://93.184.215.14/hooks/childlink")).isEmpty();
		assertThat(production.problem("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")).isEmpty();
	}

	@Test
	void malformedAndPlainHttpEndpointsAreRefusedSayingWhy() {
		assertThat(production.problem(null)).hasValueSatisfying(p -> assertThat(p).contains("missing"));
		assertThat(production.problem("https://exa mple.org/")).hasValueSatisfying(p -> assertThat(p).contains("not a URL"));
		assertThat(production.problem("/hooks")).hasValueSatisfying(p -> assertThat(p).contains("relative reference"));
		assertThat(production.problem("http://93.184.215.14/hook")).hasValueSatisfying(p -> assertThat(p).contains("https"));
		assertThat(production.problem("ftp://93.184.215.14/hook")).hasValueSatisfying(p -> assertThat(p).contains("https"));
		assertThat(production.problem("https://user:secret@93.184.215.14/hook"))
				.hasValueSatisfying(p -> assertThat(p).contains("without user information"));
		assertThat(production.problem("https://no-such-host.invalid/hook"))
				.hasValueSatisfying(p -> assertThat(p).contains("not known"));
	}

	@Test
	void internalAddressesAreRefusedUnlessTheOperatorAllowsTheirRange() {
		for (String internal : List.of("https://127.0.0.1/", "https://localhost:8443/", "https://10.1.2.3/",
				"https://172.16.0.9/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/",
				"https://0.0.0.0/", "https://[::1]/", "https://[fd12:3456::1]/", "https://[fe80::1]/",
				"https://100.64.0.1/", "https://224.0.0.1/", "https://2130706433/")) {
			assertThat(production.problem(internal)).as(internal)
					.hasValueSatisfying(p -> assertThat(p).contains("internal address"));
		}
		Endpoints operator = new Endpoints(false, List.of("10.20.0.0/16", "127.0.0.1/32"));
		assertThat(operator.problem("https://10.20.3.4/hook")).isEmpty();
		assertThat(operator.problem("https://127.0.0.1:9443/hook")).isEmpty();
		assertThat(operator.problem("https://10.21.0.1/hook")).isPresent();
		assertThat(new Endpoints(true, List.of("127.0.0.0/8")).problem("http://127.0.0.1:8080/hook")).isEmpty();
	}

	@Test
	void aRangeThatIsNotOneStopsTheServerSayingWhichSetting() {
		assertThatThrownBy(() -> new Endpoints(false, List.of("intranet.local/8")))
				.hasMessageContaining("childlink.signals.allowed-networks");
		assertThatThrownBy(() -> new Endpoints(false, List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
	}
}
