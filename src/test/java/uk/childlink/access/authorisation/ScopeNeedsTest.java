package uk.childlink.access.authorisation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uk.childlink.access.Caller;
import uk.childlink.access.SmartScopes;
import uk.childlink.access.authorisation.ScopeNeeds.Access;

class ScopeNeedsTest {

	private static Caller caller(String scopes, String... roles) {
		return new Caller("issuer", "someone", "client", null, "health", Set.of(roles), SmartScopes.parse(scopes), null);
	}

	@Test
	void anOperationNeedsEachScopeItsTableLists() {
		assertThatCode(() -> ScopeNeeds.operation(caller("user/Patient.r user/Observation.r"), "$attendance"))
				.doesNotThrowAnyException();
		assertThatThrownBy(() -> ScopeNeeds.operation(caller("user/Patient.r"), "$attendance"))
				.isInstanceOf(ForbiddenOperationException.class)
				.hasMessageContaining("$attendance needs the scope user/Observation.r");
	}

	@Test
	void anOperationTheTableDoesNotListIsForAnAdmin() {
		assertThatThrownBy(() -> ScopeNeeds.operation(caller("user/*.cruds"), "$reindex"))
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("for an admin only");
		assertThatCode(() -> ScopeNeeds.operation(caller("user/*.cruds", Caller.ADMIN), "$reindex"))
				.doesNotThrowAnyException();
		// $merge: the role and the scope
		assertThatThrownBy(() -> ScopeNeeds.operation(caller("user/Patient.r", Caller.ADMIN), "$merge"))
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("user/Patient.u");
	}

	@Test
	void anInteractionNeedsItsLetterOnTheType() {
		assertThatCode(() -> ScopeNeeds.need(caller("user/Patient.rs"), "Patient", Access.SEARCH))
				.doesNotThrowAnyException();
		assertThatThrownBy(() -> ScopeNeeds.need(caller("user/Patient.rs"), "Observation", Access.SEARCH))
				.isInstanceOf(ForbiddenOperationException.class)
				.hasMessageContaining("do not allow search of Observation (it needs user/Observation.s");
		assertThatThrownBy(() -> ScopeNeeds.need(caller(""), "Patient", Access.CREATE))
				.hasMessageContaining("no SMART scopes");
	}
}
