package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/** Transaction (all or nothing, with urn:uuid references) and batch (each entry on its own) bundles. */
class BundleIT extends IntegrationTest {

	@Test
	void transactionResolvesUrnUuidReferences() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		String patientUrn = "urn:uuid:" + UUID.randomUUID();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setFullUrl(patientUrn).setResource(Fixtures.child(nhs, "Quill", "Ada", "2015-05-05"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
				.setResource(Fixtures.weight(new Reference(patientUrn), 21.5))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		Bundle response = client.transaction().withBundle(tx).execute();

		assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
		assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
		String patientId = response.getEntry().get(0).getResponse().getLocation().replaceAll("/_history/.*", "");
		String observationId = response.getEntry().get(1).getResponse().getLocation().replaceAll("/_history/.*", "");
		Observation stored = client.read().resource(Observation.class).withUrl(observationId).execute();
		assertThat(stored.getSubject().getReference()).isEqualTo(patientId);
	}

	@Test
	void failedTransactionWritesNothing() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
				.setResource(Fixtures.child(nhs, "Rowan", "Kit", "2016-01-01"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		// a reference to a Patient that does not exist makes the whole transaction fail
		tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
				.setResource(Fixtures.weight(new Reference("Patient/does-not-exist"), 20))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isBetween(400, 499));
		assertThat(RestInteractionsIT.searchByNhsNumber(client, nhs).getTotal()).isZero();
	}

	@Test
	void batchProcessesEachEntryIndependently() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().setResource(Fixtures.child(nhs, "Sable", "Noor", "2010-10-10"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/no-such-child");

		Bundle response = client.transaction().withBundle(batch).execute();

		assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
		assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
		assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
		assertThat(RestInteractionsIT.searchByNhsNumber(client, nhs).getEntry())
				.extracting(e -> ((Patient) e.getResource()).getNameFirstRep().getFamily())
				.containsExactly("Sable");
	}

	@Test
	void aWritingEntryThatNamesAnOperationOrAnotherTypeIsRefusedAndNothingIsWritten() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		// HAPI alone would store the Patient of the first entry (the operation never runs) and the second's
		for (String url : new String[] {"Patient/$validate", "Organization"}) {
			Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
			batch.addEntry().setResource(Fixtures.child(nhs, "Tern", "Oli", "2012-12-12"))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(url);

			assertThatThrownBy(() -> client.transaction().withBundle(batch).execute())
					.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
						assertThat(e.getStatusCode()).isEqualTo(400);
						assertThat(e.getMessage()).contains("Nothing was written");
					});
		}
		assertThat(RestInteractionsIT.searchByNhsNumber(client, nhs).getTotal()).isZero();
	}
}
