package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * An admin deletes a child's record: the access grants the server keeps for it (its projection of the relationships)
 * go with it instead of holding the deletion up; the child's real records still do (409 naming them), and then the
 * grants stay as they were.
 */
class ChildDeletionIT extends IntegrationTest {

	@Test
	void aChildsRecordIsDeletedWithItsAccessGrants() {
		Org council = Organisations.council(client());
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Deleted", "Dana", "2019-02-03");
		child.setManagingOrganization(council.ref());
		IIdType id = client().create().resource(child).execute().getId().toUnqualifiedVersionless();
		assertThat(grants(id)).as("the council's grant").hasSize(1);
		assertThat(client(council.token()).read().resource(Patient.class).withId(id).execute()).isNotNull();

		client().delete().resourceById(id).execute();

		assertThatThrownBy(() -> client().read().resource(Patient.class).withId(id).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(410));
		assertThat(grants(id)).as("the grant deleted with the child").isEmpty();
		assertThat(client(council.token()).search().forResource(Patient.class).returnBundle(Bundle.class).execute()
				.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).doesNotContain(id.getIdPart());
	}

	@Test
	void aChildWithRecordsIsNotDeletedAndKeepsItsGrantsUntilTheRecordsAreGone() {
		Org school = Organisations.school(client());
		IIdType id = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Deleted", "Eli", "2015-06-07"))
				.execute().getId().toUnqualifiedVersionless();
		IIdType week = client(school.token()).create().resource(Records.attendanceWeek(
				new org.hl7.fhir.r4.model.Reference(id.getValue()), school.ref(), "2025-09-08", "2025-09-12", 10, 0, 0))
				.execute().getId().toUnqualifiedVersionless();
		assertThat(grants(id)).hasSize(1);

		assertThatThrownBy(() -> client().delete().resourceById(id).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(409);
					assertThat(e.getMessage()).contains(week.getValue()).doesNotContain("Basic/access-");
				});
		assertThat(grants(id)).as("a refused deletion keeps the grants").hasSize(1);
		assertThat(client(school.token()).read().resource(Patient.class).withId(id).execute()).isNotNull();

		client().delete().resourceById(week).execute();
		client().delete().resourceById(id).execute();
		assertThat(grants(id)).isEmpty();
		assertThatThrownBy(() -> client(school.token()).read().resource(Observation.class).withId(week).execute())
				.isInstanceOf(BaseServerResponseException.class);
	}

	/** The child's grants (Basic, only an admin reads them), revoked ones included. */
	private java.util.List<Basic> grants(IIdType child) {
		return client().search().forResource(Basic.class).where(Basic.SUBJECT.hasId(child.getValue()))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(e -> (Basic) e.getResource()).toList();
	}
}
