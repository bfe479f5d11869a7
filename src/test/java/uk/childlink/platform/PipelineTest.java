package uk.childlink.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import uk.childlink.platform.Pipeline.Place;
import uk.childlink.platform.Pipeline.Step;

class PipelineTest {

	@Interceptor
	static class Undeclared {
		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void created(IBaseResource resource) {}
	}

	@Interceptor(order = Pipeline.Order.IDENTITY)
	static class Identity {
		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void created(IBaseResource resource) {}
	}

	@Interceptor(order = Pipeline.Order.IDENTITY)
	static class OtherIdentity {
		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void created(IBaseResource resource) {}
	}

	@Interceptor(order = Pipeline.Order.VALIDATION)
	static class OwnHookOrder {
		@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 7)
		public void created(IBaseResource resource) {}
	}

	@Interceptor(order = Pipeline.Order.GATE)
	static class Gate {
		@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
		public void check() {}
	}

	@Test
	void anInterceptorWithoutItsPlacesOrderIsRefused() {
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.IDENTITY, new Undeclared()))))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Undeclared is registered at IDENTITY (order 220)")
				.hasMessageContaining("has order 0")
				.hasMessageContaining("@Interceptor(order = Pipeline.Order.IDENTITY)");
	}

	@Test
	void anInterceptorAtAnotherPlaceThanItDeclaresIsRefused() {
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.VALIDATION, new Identity()))))
				.hasMessageContaining("registered at VALIDATION (order 230)").hasMessageContaining("has order 220");
	}

	@Test
	void aHookWithItsOwnOrderIsRefused() {
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.VALIDATION, new OwnHookOrder()))))
				.hasMessageContaining("STORAGE_PRESTORAGE_RESOURCE_CREATED hook has order 7");
	}

	@Test
	void twoInterceptorsOnOnePointcutAtOnePlaceAreRefused() {
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.IDENTITY, new Identity()),
				new Step(Place.IDENTITY, new OtherIdentity()))))
				.hasMessageContaining("Identity and OtherIdentity both hook STORAGE_PRESTORAGE_RESOURCE_CREATED at IDENTITY");
	}

	@Test
	void hapisInterceptorsGoOnlyWhereAPlaceKeepsHapisOrder() {
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.AUDIT, new ResponseHighlighterInterceptor()))))
				.hasMessageContaining("(HAPI's) is at AUDIT");
		assertThatThrownBy(() -> Pipeline.ordered(List.of(new Step(Place.PRESENTATION, new Gate()))))
				.hasMessageContaining("a place for HAPI's own interceptor");
		assertThat(Pipeline.ordered(List.of(new Step(Place.PRESENTATION, new ResponseHighlighterInterceptor()))))
				.hasSize(1);
	}

	@Test
	void stepsAreOrderedByPlaceAndTabled() {
		Step identity = new Step(Place.IDENTITY, new Identity());
		Step gate = new Step(Place.GATE, new Gate());
		assertThat(Pipeline.ordered(List.of(identity, gate))).containsExactly(gate, identity);
		assertThat(Pipeline.table(List.of(identity, gate))).isEqualTo("""
				| order | place | on | interceptors | when (HAPI pointcuts) | what it decides |
				|---:|---|---|---|---|---|
				| 30 | gate | requests | `Gate` (platform) | `SERVER_INCOMING_REQUEST_PRE_HANDLED` | %s |
				| 220 | identity | storage | `Identity` (platform) | `STORAGE_PRESTORAGE_RESOURCE_CREATED` | %s |
				""".formatted(Place.GATE.decides(), Place.IDENTITY.decides()));
	}

	@Test
	void placesHaveDistinctOrdersInTheirDeclaredSequence() {
		int previous = Integer.MIN_VALUE;
		for (Place place : Place.values()) {
			assertThat(place.order()).as(place.name()).isGreaterThan(previous);
			previous = place.order();
		}
	}
}
