package uk.childlink.earlyyears;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * A newborn whose NHS number is not known yet gets a record with UK Core's NHS-number-unavailable reason; the health
 * visiting service records on it; when the record with the number arrives, $match finds the early one and $merge
 * joins them with the early records kept, now on the child's NHS-numbered record.
 */
class IdentityAtBirthIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String UNAVAILABLE = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberUnavailableReason";
	private static final String REASONS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberUnavailableReason";

	@Test
	void aNewbornsEarlyRecordsFollowTheChildOntoTheRecordWithTheNhsNumber() {
		Org service = Organisations.health(client(), "health-visitor");
		LocalDate born = TODAY.minusDays(70);

		// the health visiting service starts the record before the number is known
		Patient early = new Patient();
		early.addIdentifier().setSystem(Fixtures.NHS_NUMBER_SYSTEM).addExtension(UNAVAILABLE,
				new CodeableConcept(new Coding(REASONS, "nhs-number-not-known", null)));
		early.addName().setFamily("Birthwhistle").addGiven("Wren");
		early.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born.toString()));
		early.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
		IIdType earlyId = client(service.token()).create().resource(early).execute().getId().toUnqualifiedVersionless();
		Reference earlyRef = new Reference(earlyId.getValue());
		IIdType caseload = client(service.token()).create().resource(Records.healthVisiting(earlyRef, service.ref(),
				born.plusDays(2).toString(), null)).execute().getId().toUnqualifiedVersionless();
		IIdType visit = client(service.token()).create().resource(Records.hcpReview(earlyRef, service.ref(),
				"new-birth-visit", born.plusDays(12).toString())).execute().getId().toUnqualifiedVersionless();

		// the record with the number arrives (a GP registration, say)
		Patient numbered = Fixtures.child(Fixtures.nextNhsNumber(), "Birthwhistle", "Wren", born.toString());
		IIdType numberedId = client().create().resource(numbered).execute().getId().toUnqualifiedVersionless();

		// $match with the numbered record's details finds the early record
		Parameters matchIn = new Parameters();
		Patient query = new Patient();
		query.addName().setFamily("Birthwhistle").addGiven("Wren");
		query.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born.toString()));
		matchIn.addParameter().setName("resource").setResource(query);
		Bundle matches = client().operation().onType(Patient.class).named("$match").withParameters(matchIn)
				.returnResourceType(Bundle.class).execute();
		assertThat(matches.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
				.contains(earlyId.getIdPart(), numberedId.getIdPart());

		// $merge: the early record into the numbered one (the NHS number stays the survivor's key)
		Parameters mergeIn = new Parameters();
		mergeIn.addParameter().setName("source-patient").setValue(earlyRef);
		mergeIn.addParameter().setName("target-patient").setValue(new Reference(numberedId.getValue()));
		client().operation().onType(Patient.class).named("$merge").withParameters(mergeIn).execute();

		// nothing of the early years is lost: the caseload and the review are now the numbered record's
		assertThat(client(service.token()).read().resource(Encounter.class).withId(visit).execute().getSubject()
				.getReference()).isEqualTo(numberedId.getValue());
		assertThat(client(service.token()).read().resource(EpisodeOfCare.class).withId(caseload).execute().getPatient()
				.getReference()).isEqualTo(numberedId.getValue());
		Bundle reviews = client(service.token()).search().byUrl("Encounter?subject=" + numberedId.getValue()
				+ "&type=https://fhir.childlink.uk/CodeSystem/hcp-review|").returnBundle(Bundle.class).execute();
		assertThat(reviews.getEntry()).hasSize(1);
		// the service, related through its caseload, reads the child's numbered record; the early one points to it
		assertThat(client(service.token()).read().resource(Patient.class).withId(numberedId).execute().getIdentifier())
				.anyMatch(i -> Fixtures.NHS_NUMBER_SYSTEM.equals(i.getSystem()) && i.hasValue());
		Patient replaced = client().read().resource(Patient.class).withId(earlyId).execute();
		assertThat(replaced.getActive()).isFalse();
		assertThat(replaced.getLinkFirstRep().getOther().getReference()).isEqualTo(numberedId.getValue());
		// the access grants follow the relationships, each on its own child: the early record's is revoked (it names no
		// organisation), the numbered record has one for the service
		assertThat(client().search().byUrl("Basic?subject=" + earlyId.getValue()).returnBundle(Bundle.class).execute()
				.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(((org.hl7.fhir.r4.model.Basic) e.getResource())
						.hasAuthor()).isFalse());
		assertThat(client().search().byUrl("Basic?subject=" + numberedId.getValue() + "&author=" + service.id())
				.returnBundle(Bundle.class).execute().getEntry()).hasSize(1);

		// on the service's overdue list as the numbered record, owing the 6 to 8 week review (the visit done counts)
		Bundle overdue = client(service.token()).operation().onType(Patient.class).named("$reviews-overdue")
				.withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
		assertThat(overdue.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
				.containsExactly(numberedId.getIdPart());
		assertThat(((Coding) overdue.getEntryFirstRep().getSearch()
				.getExtensionByUrl("https://fhir.childlink.uk/StructureDefinition/overdue-review").getValue()).getCode())
				.isEqualTo("6-8-week-review");
	}
}
