package uk.childlink.outofview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;

/**
 * {@code Patient/{id}/$household} over HTTP with real tokens: the child's siblings and the other children living in
 * the household, as the caller may see them (a sibling the caller has no relationship with is left out); a child who
 * moved out is not listed; a child the caller may not see is not known to it.
 */
class HouseholdIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String HOUSEHOLD = "https://fhir.childlink.uk/StructureDefinition/household-group";

	@Test
	void aChildsHouseholdShowsTheOtherChildrenTheCallerMaySee() {
		Org council = Organisations.council(client());
		Org school = Organisations.school(client());
		IIdType child = child(council, "Elder");
		IIdType sibling = child(council, "Younger");
		IIdType halfSibling = AbsenceFlags.absentChild(client(), school.ref(), "Half"); // the school's pupil only
		IIdType movedOut = child(council, "MovedOut");

		Group household = new Group().setType(Group.GroupType.PERSON).setActual(true)
				.setCode(new CodeableConcept(new Coding("https://fhir.childlink.uk/CodeSystem/group-type", "household", null)))
				.setManagingEntity(council.ref());
		household.addMember().setEntity(new Reference(child.getValue()));
		household.addMember().setEntity(new Reference(sibling.getValue()));
		household.addMember().setEntity(new Reference(halfSibling.getValue()))
				.setPeriod(new Period().setStartElement(new DateTimeType("2020-01-01")));
		household.addMember().setEntity(new Reference(movedOut.getValue()))
				.setPeriod(new Period().setStartElement(new DateTimeType("2016-01-01"))
						.setEndElement(new DateTimeType(TODAY.minusDays(30).toString())));
		IIdType group = client(council.token()).create().resource(household).execute().getId().toUnqualifiedVersionless();

		// the council sees the sibling it is responsible for, not the half-sibling it has no relationship with
		Bundle seen = household(client(council.token()), child);
		assertThat(ids(seen)).containsExactly(sibling.getIdPart());
		assertThat(((Reference) seen.getEntryFirstRep().getSearch().getExtensionByUrl(HOUSEHOLD).getValue())
				.getReference()).isEqualTo(group.getValue());
		// an admin sees every current member; the child who moved out is not listed
		assertThat(ids(household(client(), child))).containsExactlyInAnyOrder(sibling.getIdPart(), halfSibling.getIdPart());
		// the school sees its pupil's household as far as it may: none of the council's children
		assertThat(household(client(school.token()), halfSibling).getEntry()).isEmpty();
		// and of a child it may not see, nothing at all
		assertThatThrownBy(() -> household(client(school.token()), child))
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
		// a child in no household: an empty list
		assertThat(household(client(council.token()), child(council, "Alone")).getEntry()).isEmpty();
	}

	@Test
	void aHouseholdThatBreaksItsRulesIsRefused() {
		Org council = Organisations.council(client());
		IIdType child = child(council, "Twice");
		Group twice = new Group().setType(Group.GroupType.PERSON).setActual(true)
				.setCode(new CodeableConcept(new Coding("https://fhir.childlink.uk/CodeSystem/group-type", "household", null)))
				.setManagingEntity(council.ref());
		twice.addMember().setEntity(new Reference(child.getValue()));
		twice.addMember().setEntity(new Reference(child.getValue()));
		assertThatThrownBy(() -> client(council.token()).create().resource(twice).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(422);
					assertThat(e.getMessage()).contains("cl-hh-1");
				});
		// in another organisation's name: refused
		Org other = Organisations.council(client());
		Group notOwn = twice.copy();
		notOwn.getMember().remove(1);
		notOwn.setManagingEntity(other.ref());
		assertThatThrownBy(() -> client(council.token()).create().resource(notOwn).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
	}

	private Bundle household(IGenericClient client, IIdType child) {
		return client.operation().onInstance(child).named("$household").withNoParameters(Parameters.class).useHttpGet()
				.returnResourceType(Bundle.class).execute();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
	}

	private IIdType child(Org council, String family) {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), family, "Home", "2016-04-04");
		patient.setManagingOrganization(council.ref());
		return client().create().resource(patient).execute().getId().toUnqualifiedVersionless();
	}
}
