package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/** The basic RESTful interactions a FHIR client expects: CRUD, patch, vread, history, conditional writes. */
class RestInteractionsIT extends IntegrationTest {

	@Test
	void createReadUpdateDelete() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		MethodOutcome created = client.create().resource(Fixtures.child(nhs, "Oakley", "Mira", "2016-04-01")).execute();
		assertThat(created.getCreated()).isTrue();
		IdType id = (IdType) created.getId();
		assertThat(id.getVersionIdPart()).isEqualTo("1");

		Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
		assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Oakley");

		read.getNameFirstRep().setFamily("Oakley-Reed");
		MethodOutcome updated = client.update().resource(read).execute();
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

		Patient v1 = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
		assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Oakley");
		Patient current = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(current.getNameFirstRep().getFamily()).isEqualTo("Oakley-Reed");

		client.delete().resourceById("Patient", id.getIdPart()).execute();
		assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
				.isInstanceOf(ResourceGoneException.class);
	}

	@Test
	void historyListsEveryVersionNewestFirst() {
		IGenericClient client = client();
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Birch", "Tomas", "2012-09-12");
		IdType id = (IdType) client.create().resource(patient).execute().getId();
		patient.setId(id.toUnqualifiedVersionless());
		patient.getNameFirstRep().setFamily("Birch-Hale");
		client.update().resource(patient).execute();

		Bundle history = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(Bundle.class).execute();
		assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
		assertThat(history.getEntry()).extracting(e -> e.getResource().getIdElement().getVersionIdPart())
				.containsExactly("2", "1");

		Bundle typeHistory = client.history().onType(Patient.class).returnBundle(Bundle.class).execute();
		assertThat(typeHistory.getEntry()).filteredOn(Bundle.BundleEntryComponent::hasResource)
				.extracting(e -> e.getResource().getIdElement().toUnqualified().getValue())
				.contains(id.toUnqualifiedVersionless().withVersion("2").getValue());
	}

	@Test
	void jsonPatchAndFhirPathPatch() {
		IGenericClient client = client();
		IdType id = (IdType) client.create()
				.resource(Fixtures.child(Fixtures.nextNhsNumber(), "Hollis", "June", "2018-02-03"))
				.execute()
				.getId();

		client.patch()
				.withBody("[{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"2018-02-04\"}]")
				.withId(id.toUnqualifiedVersionless())
				.execute();

		Parameters fhirPatch = new Parameters();
		Parameters.ParametersParameterComponent op = fhirPatch.addParameter().setName("operation");
		op.addPart().setName("type").setValue(new CodeType("add"));
		op.addPart().setName("path").setValue(new StringType("Patient"));
		op.addPart().setName("name").setValue(new StringType("active"));
		op.addPart().setName("value").setValue(new org.hl7.fhir.r4.model.BooleanType(true));
		client.patch().withFhirPatch(fhirPatch).withId(id.toUnqualifiedVersionless()).execute();

		Patient patched = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(patched.getBirthDateElement().getValueAsString()).isEqualTo("2018-02-04");
		assertThat(patched.getActive()).isTrue();
		assertThat(patched.getMeta().getVersionId()).isEqualTo("3");
	}

	@Test
	void conditionalCreateReturnsTheExistingRecord() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		String condition = "identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs;
		MethodOutcome first = client.create().resource(Fixtures.child(nhs, "Vale", "Iris", "2014-06-30"))
				.conditionalByUrl("Patient?" + condition).execute();
		MethodOutcome second = client.create().resource(Fixtures.child(nhs, "Vale", "Iris", "2014-06-30"))
				.conditionalByUrl("Patient?" + condition).execute();

		assertThat(first.getCreated()).isTrue();
		assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
		assertThat(second.getId().toUnqualifiedVersionless()).isEqualTo(first.getId().toUnqualifiedVersionless());
		assertThat(searchByNhsNumber(client, nhs).getTotal()).isEqualTo(1);
	}

	@Test
	void conditionalUpdateCreatesThenUpdates() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		String url = "Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs;
		MethodOutcome created = client.update().resource(Fixtures.child(nhs, "Ashdown", "Leo", "2013-01-15"))
				.conditionalByUrl(url).execute();
		assertThat(created.getCreated()).isTrue();

		MethodOutcome updated = client.update().resource(Fixtures.child(nhs, "Ashdown", "Leon", "2013-01-15"))
				.conditionalByUrl(url).execute();
		assertThat(updated.getId().toUnqualifiedVersionless()).isEqualTo(created.getId().toUnqualifiedVersionless());
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
	}

	@Test
	void conditionalDeleteRemovesTheMatch() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		client.create().resource(Fixtures.child(nhs, "Corran", "Elsie", "2011-11-11")).execute();

		client.delete().resourceConditionalByUrl("Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs).execute();

		assertThat(searchByNhsNumber(client, nhs).getTotal()).isZero();
	}

	@Test
	void rawPipeInQueryStringIsAccepted() {
		String nhs = Fixtures.nextNhsNumber();
		client().create().resource(Fixtures.child(nhs, "Pipe", "Rosa", "2017-07-07")).execute();

		var response = http().get("/fhir/Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs);

		assertThat(response.status()).isEqualTo(200);
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
		assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
		assertThat(bundle.getTotal()).isEqualTo(1);
	}

	@Test
	void browsersGetHtmlFhirClientsGetJson() {
		var asBrowser = http().send("GET", "/fhir/metadata", Map.of("Accept", "text/html"), null);
		var asClient = http().get("/fhir/metadata");

		assertThat(asBrowser.headers().get("content-type")).startsWith("text/html");
		assertThat(asClient.headers().get("content-type")).startsWith("application/fhir+json");
	}

	static Bundle searchByNhsNumber(IGenericClient client, String nhs) {
		return client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(Fixtures.NHS_NUMBER_SYSTEM, nhs))
				.returnBundle(Bundle.class)
				.execute();
	}
}
