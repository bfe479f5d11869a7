package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResourceType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/** The standard FHIR search a client relies on, against data each test makes for itself. */
class SearchIT extends IntegrationTest {

	private IGenericClient client;
	private String family;
	private String nhs;
	private IdType patientId;

	@BeforeEach
	void childWithTwoObservations() {
		client = client();
		family = "Search" + UUID.randomUUID().toString().substring(0, 8);
		nhs = Fixtures.nextNhsNumber();
		patientId = (IdType) client.create().resource(Fixtures.child(nhs, family, "Ivy", "2014-02-02")).execute().getId();
		Reference subject = new Reference(patientId.toUnqualifiedVersionless());
		client.create().resource(Fixtures.weight(subject, 19.0)).execute();
		client.create().resource(Fixtures.weight(subject, 20.5)).execute();
	}

	@Test
	void chainedSearchFindsObservationsByTheChildsNhsNumber() {
		Bundle result = client.search().byUrl("Observation?subject:Patient.identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + nhs)
				.returnBundle(Bundle.class).execute();

		assertThat(result.getTotal()).isEqualTo(2);
	}

	@Test
	void reverseChainFindsTheChildFromItsObservations() {
		Bundle result = client.search().byUrl("Patient?family=" + family + "&_has:Observation:subject:code=http://loinc.org|29463-7")
				.returnBundle(Bundle.class).execute();
		Bundle none = client.search().byUrl("Patient?family=" + family + "&_has:Observation:subject:code=http://loinc.org|8302-2")
				.returnBundle(Bundle.class).execute();

		assertThat(result.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
				.containsExactly(patientId.getIdPart());
		assertThat(none.getEntry()).isEmpty();
	}

	@Test
	void includeAndRevinclude() {
		Bundle included = client.search().byUrl("Observation?subject=" + patientId.toUnqualifiedVersionless().getValue()
				+ "&_include=Observation:subject").returnBundle(Bundle.class).execute();
		assertThat(modes(included, ResourceType.Observation)).containsOnly(Bundle.SearchEntryMode.MATCH).hasSize(2);
		assertThat(modes(included, ResourceType.Patient)).containsExactly(Bundle.SearchEntryMode.INCLUDE);

		Bundle revincluded = client.search().byUrl("Patient?family=" + family + "&_revinclude=Observation:subject")
				.returnBundle(Bundle.class).execute();
		assertThat(modes(revincluded, ResourceType.Patient)).containsExactly(Bundle.SearchEntryMode.MATCH);
		assertThat(modes(revincluded, ResourceType.Observation)).hasSize(2);
	}

	@Test
	void modifiers() {
		String prefix = family.substring(0, family.length() - 2);
		assertThat(total("Patient?family:exact=" + family)).isEqualTo(1);
		assertThat(total("Patient?family:exact=" + family.toLowerCase())).isZero();
		assertThat(total("Patient?family=" + prefix)).isEqualTo(1); // default string search matches a prefix
		assertThat(total("Patient?family:contains=" + family.substring(3))).isEqualTo(1);
		assertThat(total("Patient?family=" + family + "&identifier:missing=true")).isZero();
		assertThat(total("Observation?subject=" + patientId.toUnqualifiedVersionless().getValue() + "&value-quantity=gt20")).isEqualTo(1);
	}

	@Test
	void summaryAndElements() {
		Bundle count = client.search().byUrl("Observation?subject=" + patientId.toUnqualifiedVersionless().getValue())
				.summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute();
		assertThat(count.getTotal()).isEqualTo(2);
		assertThat(count.getEntry()).isEmpty();

		Bundle elements = client.search().byUrl("Patient?family=" + family + "&_elements=identifier")
				.returnBundle(Bundle.class).execute();
		Patient trimmed = (Patient) elements.getEntryFirstRep().getResource();
		assertThat(trimmed.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
		assertThat(trimmed.hasName()).isFalse();
		assertThat(trimmed.hasBirthDate()).isFalse();
	}

	@Test
	void sortAndPageAcrossRequests() {
		String pageFamily = "Page" + UUID.randomUUID().toString().substring(0, 8);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 25; i++) {
			String birthDate = String.format("2010-01-%02d", i + 1);
			tx.addEntry().setResource(Fixtures.child(Fixtures.nextNhsNumber(), pageFamily, "P" + i, birthDate))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		}
		client.transaction().withBundle(tx).execute();

		Bundle page = client.search().byUrl("Patient?family=" + pageFamily + "&_sort=-birthdate&_count=10")
				.returnBundle(Bundle.class).execute();
		List<String> birthDates = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		int pages = 0;
		while (page != null) {
			pages++;
			page.getEntry().forEach(e -> {
				birthDates.add(((Patient) e.getResource()).getBirthDateElement().getValueAsString());
				ids.add(e.getResource().getIdElement().getIdPart());
			});
			// each page is a new HTTP request from a new client: paging must not depend on the connection
			page = page.getLink(Bundle.LINK_NEXT) == null ? null : client().loadPage().next(page).execute();
		}

		assertThat(pages).isEqualTo(3);
		assertThat(ids).hasSize(25);
		assertThat(birthDates).hasSize(25).first().isEqualTo("2010-01-25");
		assertThat(birthDates).isSortedAccordingTo(java.util.Comparator.reverseOrder());
	}

	@Test
	void everythingReturnsTheChildAndItsData() {
		Bundle everything = client.operation().onInstance(patientId.toUnqualifiedVersionless()).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();

		assertThat(everything.getEntry()).extracting(e -> e.getResource().getResourceType())
				.containsExactlyInAnyOrder(ResourceType.Patient, ResourceType.Observation, ResourceType.Observation);
	}

	private int total(String url) {
		return client.search().byUrl(url).returnBundle(Bundle.class).execute().getTotal();
	}

	private static List<Bundle.SearchEntryMode> modes(Bundle bundle, ResourceType type) {
		return bundle.getEntry().stream()
				.filter(e -> e.getResource().getResourceType() == type)
				.map(e -> e.getSearch().getMode())
				.toList();
	}
}
