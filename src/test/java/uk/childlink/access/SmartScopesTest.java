package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmartScopesTest {

	@Test
	void v2ScopesGrantTheirInteractionsOnTheirType() {
		SmartScopes scopes = SmartScopes.parse("openid fhirUser user/Observation.rs user/Patient.r");
		assertThat(scopes.permits("Observation", 'r')).isTrue();
		assertThat(scopes.permits("Observation", 's')).isTrue();
		assertThat(scopes.permits("Observation", 'c')).isFalse();
		assertThat(scopes.permits("Patient", 'r')).isTrue();
		assertThat(scopes.permits("Patient", 's')).isFalse();
		assertThat(scopes.permits("Encounter", 'r')).isFalse();
		assertThat(scopes.systemOnly()).isFalse();
	}

	@Test
	void wildcardsAndV1ScopesAreUnderstood() {
		SmartScopes scopes = SmartScopes.parse("user/*.cruds");
		for (char i : "cruds".toCharArray()) {
			assertThat(scopes.permits("Flag", i)).isTrue();
		}
		SmartScopes v1 = SmartScopes.parse("user/Patient.read user/Observation.write system/Encounter.*");
		assertThat(v1.permits("Patient", 'r')).isTrue();
		assertThat(v1.permits("Patient", 's')).isTrue();
		assertThat(v1.permits("Patient", 'u')).isFalse();
		assertThat(v1.permits("Observation", 'c')).isTrue();
		assertThat(v1.permits("Observation", 'd')).isTrue();
		assertThat(v1.permits("Observation", 'r')).isFalse();
		assertThat(v1.permits("Encounter", 's')).isTrue();
	}

	@Test
	void patientScopesQueriesAndNonsenseGrantNothing() {
		for (String text : new String[] {"patient/*.cruds", "user/Observation.rs?category=laboratory", "user/Observation.sr",
				"user/Observation.x", "user/.rs", "system/*", "", "   ", "USER/Patient.rs", "user/Patient.rs.extra"}) {
			SmartScopes scopes = SmartScopes.parse(text);
			assertThat(scopes.isEmpty()).as(text).isTrue();
			assertThat(scopes.permits("Patient", 'r')).as(text).isFalse();
		}
		assertThat(SmartScopes.parse(null).isEmpty()).isTrue();
	}

	@Test
	void aClientWithOnlySystemScopesIsASystemClient() {
		assertThat(SmartScopes.parse("system/Patient.rs system/Observation.cu").systemOnly()).isTrue();
		assertThat(SmartScopes.parse("system/Patient.rs user/Observation.cu").systemOnly()).isFalse();
		assertThat(SmartScopes.parse("openid").systemOnly()).isFalse();
	}
}
