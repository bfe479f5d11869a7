package uk.childlink.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Records;

/**
 * The absence flag follows the child's attendance over the current school year: raised at 10% of possible sessions
 * missed, severe at 50%, back to persistent and then inactive as records are corrected, always one flag per child.
 */
class AbsenceFlagIT extends IntegrationTest {

	private static final String FLAG = AbsenceFlags.IDENTIFIER;

	@Test
	void theFlagIsRaisedChangedAndClosedAsTheAttendanceRecordsChange() {
		IGenericClient client = client();
		Reference school = new Reference(client.create().resource(Records.school(Records.nextUrn())).execute().getId()
				.toUnqualifiedVersionless().getValue());
		IIdType childId = client.create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Flag", "Fen", "2015-07-07"))
				.execute().getId().toUnqualifiedVersionless();
		Reference child = new Reference(childId.getValue());
		LocalDate monday = AbsenceFlags.firstMondayOfThisSchoolYear();

		client.create().resource(AbsenceFlags.week(child, school, monday, 10, 0)).execute();
		IIdType second = client.create().resource(AbsenceFlags.week(child, school, monday.plusWeeks(1), 8, 2)).execute().getId();
		Flag persistent = awaitFlag(childId, f -> f.getStatus() == Flag.FlagStatus.ACTIVE
				&& "persistent-absence".equals(f.getCode().getCodingFirstRep().getCode()));
		assertThat(persistent.getText().getDivAsString()).contains("10.0% of 20 possible sessions missed");
		assertThat(persistent.getSubject().getReference()).isEqualTo(childId.getValue());
		// the README's search for a child's current flags, and a school's list of its persistently absent pupils
		assertThat(ids(client.search().byUrl("Flag?subject=" + childId.getValue() + "&status=active"
				+ "&code=https://fhir.childlink.uk/CodeSystem/flag-code|persistent-absence").returnBundle(Bundle.class)
				.execute())).containsExactly(persistent.getIdElement().toUnqualifiedVersionless().getValue());
		assertThat(ids(client.search().byUrl("Flag?subject=" + childId.getValue() + "&status=inactive")
				.returnBundle(Bundle.class).execute())).isEmpty();
		assertThat(ids(client.search().byUrl("Patient?_has:Observation:subject:performer=" + school.getReference()
				+ "&_has:Flag:subject:code=https://fhir.childlink.uk/CodeSystem/flag-code|persistent-absence,"
				+ "https://fhir.childlink.uk/CodeSystem/flag-code|severe-absence&_has:Flag:subject:status=active")
				.returnBundle(Bundle.class).execute())).containsExactly(childId.getValue());

		IIdType third = client.create().resource(AbsenceFlags.week(child, school, monday.plusWeeks(2), 0, 10)).execute().getId();
		IIdType fourth = client.create().resource(AbsenceFlags.week(child, school, monday.plusWeeks(3), 0, 10)).execute().getId();
		awaitFlag(childId, f -> "severe-absence".equals(f.getCode().getCodingFirstRep().getCode()));

		client.delete().resourceById(third.toUnqualifiedVersionless()).execute();
		client.delete().resourceById(fourth.toUnqualifiedVersionless()).execute();
		Flag back = awaitFlag(childId, f -> f.getStatus() == Flag.FlagStatus.ACTIVE
				&& "persistent-absence".equals(f.getCode().getCodingFirstRep().getCode())
				&& f.getText().getDivAsString().contains("of 20 possible sessions"));
		assertThat(back.getText().getDivAsString()).contains("10.0% of 20 possible sessions missed");

		Observation corrected = client.read().resource(Observation.class).withId(second.toUnqualifiedVersionless()).execute();
		client.update().resource(AbsenceFlags.week(child, school, monday.plusWeeks(1), 10, 0).setId(corrected.getIdElement()
				.toUnqualifiedVersionless())).execute();
		Flag closed = awaitFlag(childId, f -> f.getStatus() == Flag.FlagStatus.INACTIVE);
		assertThat(closed.getPeriod().hasStart()).isTrue();
		assertThat(closed.getPeriod().hasEnd()).isTrue();

		assertThat(flags(childId)).hasSize(1);
	}

	@Test
	void aMergeMovesTheAbsenceFlagToTheSurvivor() {
		IGenericClient client = client();
		Reference school = new Reference(client.create().resource(Records.school(Records.nextUrn())).execute().getId()
				.toUnqualifiedVersionless().getValue());
		Patient schoolRecord = new Patient(); // the school's record of the child: a UPN, no NHS number
		schoolRecord.addName().setFamily("Merlin").addGiven("Fay");
		schoolRecord.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(TestIdentifiers.nextPermanentUpn());
		IIdType source = client.create().resource(schoolRecord).execute().getId().toUnqualifiedVersionless();
		IIdType target = client.create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Merlin", "Fay", "2015-09-09"))
				.execute().getId().toUnqualifiedVersionless();
		LocalDate monday = AbsenceFlags.firstMondayOfThisSchoolYear();
		client.create().resource(AbsenceFlags.week(new Reference(source.getValue()), school, monday, 10, 0)).execute();
		client.create().resource(AbsenceFlags.week(new Reference(source.getValue()), school, monday.plusWeeks(1), 8, 2))
				.execute();
		AbsenceFlags.awaitPersistent(client, source, Duration.ofSeconds(30));

		Parameters in = new Parameters();
		in.addParameter().setName("source-patient").setValue(new Reference(source.getValue()));
		in.addParameter().setName("target-patient").setValue(new Reference(target.getValue()));
		client.operation().onType(Patient.class).named("$merge").withParameters(in).execute();

		// the merge points the merged-away record's flag (found by its identifier) at the survivor; the server then
		// closes it, the record having no attendance left, and raises the survivor's own from the records moved to it
		Flag merged = awaitFlag(source, f -> f.getStatus() == Flag.FlagStatus.INACTIVE && f.getPeriod().hasEnd());
		assertThat(merged.getSubject().getReference()).isEqualTo(target.getValue());
		Flag survivor = AbsenceFlags.awaitPersistent(client, target, Duration.ofSeconds(30));
		assertThat(survivor.getSubject().getReference()).isEqualTo(target.getValue());
		assertThat(survivor.getText().getDivAsString()).contains("10.0% of 20 possible sessions missed");
	}

	@Test
	void clientsCannotWriteTheServersAbsenceFlags() {
		IIdType childId = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Fake", "Faye",
				"2015-08-08")).execute().getId().toUnqualifiedVersionless();
		Flag fake = new Flag().setStatus(Flag.FlagStatus.ACTIVE).setSubject(new Reference(childId.getValue()));
		fake.addIdentifier().setSystem(FLAG).setValue(childId.getIdPart());
		fake.getCode().setText("made up");

		assertThatThrownBy(() -> client().create().resource(fake).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		assertThat(flags(childId)).isEmpty();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private List<Flag> flags(IIdType child) {
		return AbsenceFlags.of(client(), child);
	}

	private Flag awaitFlag(IIdType child, Predicate<Flag> expected) {
		return AbsenceFlags.await(client(), child, expected, Duration.ofSeconds(30));
	}
}
