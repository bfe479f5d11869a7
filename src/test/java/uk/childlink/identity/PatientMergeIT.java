package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;

/**
 * {@code Patient/$merge}: a school's record of a child (UPN, no NHS number) joined into the health record of the same
 * child (NHS number). References move, the source stays inactive and linked, identifiers are carried over.
 */
class PatientMergeIT extends IntegrationTest {

	private String upn;
	private IdType source;
	private IdType target;
	private IdType observation;

	@BeforeEach
	void twoRecordsOfOneChild() {
		upn = TestIdentifiers.nextPermanentUpn();
		Patient schoolRecord = new Patient();
		schoolRecord.addName().setFamily("Merganser").addGiven("Ola");
		schoolRecord.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(upn);
		source = (IdType) client().create().resource(schoolRecord).execute().getId().toUnqualifiedVersionless();
		target = (IdType) client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Merganser", "Ola", "2014-03-03"))
				.execute().getId().toUnqualifiedVersionless();
		observation = (IdType) client().create().resource(Fixtures.weight(new Reference(source), 22.0))
				.execute().getId().toUnqualifiedVersionless();
	}

	@Test
	void previewChangesNothing() {
		Parameters out = merge(source, target, true);

		assertThat(out.getParameter("result").getResource()).isInstanceOf(Patient.class);
		assertThat(readObservation().getSubject().getReference()).isEqualTo(source.getValue());
		assertThat(read(source).hasActive()).isFalse();
		assertThat(read(source).hasLink()).isFalse();
	}

	@Test
	void mergeMovesReferencesAndLinksTheRecords() {
		merge(source, target, false);

		assertThat(readObservation().getSubject().getReference()).isEqualTo(target.getValue());
		Patient merged = read(source);
		assertThat(merged.getActive()).isFalse();
		assertThat(merged.getLink()).anySatisfy(l -> {
			assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
			assertThat(l.getOther().getReference()).isEqualTo(target.getValue());
		});
		Patient survivor = read(target);
		assertThat(survivor.getLink()).anySatisfy(l -> {
			assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACES);
			assertThat(l.getOther().getReference()).isEqualTo(source.getValue());
		});
		assertThat(survivor.getIdentifier()).anySatisfy(i -> {
			assertThat(i.getSystem()).isEqualTo(IdentifierSystems.UPN);
			assertThat(i.getValue()).isEqualTo(upn);
			assertThat(i.getUse()).isEqualTo(Identifier.IdentifierUse.OLD);
		});
	}

	@Test
	void mergingTwoNhsNumbersIsRefusedAndNothingMoves() {
		Patient other = read(source);
		other.addIdentifier().setSystem(IdentifierSystems.NHS_NUMBER).setValue(Fixtures.nextNhsNumber());
		client().update().resource(other).execute();

		assertRefused(source, target, "two NHS numbers");
		assertThat(readObservation().getSubject().getReference()).isEqualTo(source.getValue());
		assertThat(read(source).hasLink()).isFalse();
	}

	@Test
	void mergingTheRecordWithTheNhsNumberIntoOneWithoutIsRefused() {
		// the other way round from the school-record case: the source holds the NHS number
		assertRefused(target, source, "merge the other way round");
		assertThat(readObservation().getSubject().getReference()).isEqualTo(source.getValue());
		assertThat(read(target).hasLink()).isFalse();
	}

	@Test
	void aClientsResultPatientIsNotAccepted() {
		Parameters in = new Parameters();
		in.addParameter().setName("source-patient").setValue(new Reference(source));
		in.addParameter().setName("target-patient").setValue(new Reference(target));
		in.addParameter().setName("result-patient").setResource(read(target));

		try {
			client().operation().onType(Patient.class).named("$merge").withParameters(in).execute();
			throw new AssertionError("result-patient should have been refused");
		} catch (BaseServerResponseException e) {
			assertThat(e.getStatusCode()).isEqualTo(400);
			assertThat(e.getMessage()).contains("result-patient is not supported");
		}
		assertThat(readObservation().getSubject().getReference()).isEqualTo(source.getValue());
	}

	@Test
	void deletingTheSourceIsRefusedAndNothingMoves() {
		Parameters in = new Parameters();
		in.addParameter().setName("source-patient").setValue(new Reference(source));
		in.addParameter().setName("target-patient").setValue(new Reference(target));
		in.addParameter().setName("delete-source").setValue(new BooleanType(true));

		assertThatThrownBy(() -> client().operation().onType(Patient.class).named("$merge").withParameters(in).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(400);
					assertThat(e.getMessage()).contains("delete-source is not supported");
				});
		assertThat(readObservation().getSubject().getReference()).isEqualTo(source.getValue());
		assertThat(read(source).hasActive()).isFalse();
		assertThat(read(target).hasLink()).isFalse();
	}

	private void assertRefused(IdType from, IdType into, String reason) {
		try {
			merge(from, into, false);
		} catch (BaseServerResponseException e) {
			assertThat(e.getStatusCode()).isEqualTo(422);
			assertThat(((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics()).contains(reason);
			return;
		}
		throw new AssertionError("the merge should have been refused: " + reason);
	}

	private Parameters merge(IdType from, IdType into, boolean preview) {
		Parameters in = new Parameters();
		in.addParameter().setName("source-patient").setValue(new Reference(from));
		in.addParameter().setName("target-patient").setValue(new Reference(into));
		in.addParameter().setName("preview").setValue(new BooleanType(preview));
		return client().operation().onType(Patient.class).named("$merge").withParameters(in).execute();
	}

	private Patient read(IdType id) {
		return client().read().resource(Patient.class).withId(id.getIdPart()).execute();
	}

	private Observation readObservation() {
		return client().read().resource(Observation.class).withId(observation.getIdPart()).execute();
	}
}
