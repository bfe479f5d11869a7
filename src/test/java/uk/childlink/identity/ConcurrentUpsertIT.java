package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import uk.childlink.identity.ConcurrentWrites.Result;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/**
 * Fifty systems send the same child at the same moment. An upsert (conditional create or update) must give exactly
 * one record and tell every client where it is; a plain create must give one record and 409 to the rest.
 */
class ConcurrentUpsertIT extends IntegrationTest {

	private static final int CLIENTS = 50;

	@Test
	void fiftyConcurrentConditionalCreatesMakeOneChild() throws Exception {
		String nhs = Fixtures.nextNhsNumber();
		String condition = "identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs;

		List<Result> results = ConcurrentWrites.run(CLIENTS, i -> client().create()
				.resource(Fixtures.child(nhs, "Avocet", "Client" + i, "2015-07-07"))
				.conditionalByUrl("Patient?" + condition)
				.execute());

		assertOneChildForEveryone(results, nhs);
		assertThat(results).filteredOn(Result::created).hasSize(1);
	}

	@Test
	void fiftyConcurrentConditionalUpdatesMakeOneChild() throws Exception {
		String nhs = Fixtures.nextNhsNumber();
		String url = "Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs;

		List<Result> results = ConcurrentWrites.run(CLIENTS, i -> client().update()
				.resource(Fixtures.child(nhs, "Godwit", "Client" + i, "2014-08-08"))
				.conditionalByUrl(url)
				.execute());

		assertOneChildForEveryone(results, nhs);
	}

	@Test
	void fiftyConcurrentPlainCreatesGiveOneChildAndConflicts() throws Exception {
		String nhs = Fixtures.nextNhsNumber();

		List<Result> results = ConcurrentWrites.run(CLIENTS, i -> client().create()
				.resource(Fixtures.child(nhs, "Curlew", "Client" + i, "2013-09-09"))
				.execute());

		assertThat(results).filteredOn(r -> r.status() == 201).hasSize(1);
		assertThat(results).filteredOn(r -> r.status() == 409).hasSize(CLIENTS - 1);
		assertThat(searchTotal(client(), nhs)).isEqualTo(1);
	}

	private void assertOneChildForEveryone(List<Result> results, String nhs) {
		assertThat(results).allSatisfy(r -> assertThat(r.status()).as("every client succeeds").isIn(200, 201));
		assertThat(results).extracting(Result::id).containsOnly(results.get(0).id());
		assertThat(searchTotal(client(), nhs)).isEqualTo(1);
	}

	static int searchTotal(IGenericClient client, String nhs) {
		return client.search().byUrl("Patient?nhs-number=" + nhs).returnBundle(Bundle.class).execute().getTotal();
	}
}
