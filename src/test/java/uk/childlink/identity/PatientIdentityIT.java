package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp.Response;

/** The identity rules over HTTP: checked identifiers, normalisation, one record per NHS number and per current UPN. */
class PatientIdentityIT extends IntegrationTest {

	private static final Map<String, String> JSON = Map.of(
			"Content-Type", "application/fhir+json", "Accept", "application/fhir+json");

	@Test
	void invalidNhsNumberIsRefusedWithItsLocation() {
		Patient patient = Fixtures.child("9434765918", "Wren", "Ida", "2016-01-01");
		patient.getIdentifier().add(0, new Identifier().setSystem("https://example.org/other").setValue("x"));

		OperationOutcome outcome = refused(() -> client().create().resource(patient).execute(), 422);

		assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.VALUE);
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("9434765918", "Modulus 11");
		assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Patient.identifier[1].value");
	}

	@Test
	void nhsNumberIsStoredAndFoundAsTenDigits() {
		String nhs = Fixtures.nextNhsNumber();
		String spaced = nhs.substring(0, 3) + " " + nhs.substring(3, 6) + "-" + nhs.substring(6);
		IdType id = (IdType) client().create().resource(Fixtures.child(spaced, "Lark", "Bo", "2015-02-02")).execute().getId();

		Patient stored = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(stored.getIdentifierFirstRep().getValue()).isEqualTo(nhs);
		assertThat(total("Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs)).isEqualTo(1);
		assertThat(total("Patient?nhs-number=" + nhs)).isEqualTo(1);
	}

	@Test
	void writtenFormsOfTheNhsNumberWorkInSearchesAndConditionalWrites() {
		String nhs = Fixtures.nextNhsNumber();
		String hyphens = nhs.substring(0, 3) + "-" + nhs.substring(3, 6) + "-" + nhs.substring(6);
		String spaces = nhs.substring(0, 3) + " " + nhs.substring(3, 6) + " " + nhs.substring(6);
		String condition = "Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + hyphens;

		MethodOutcome first = client().create().resource(Fixtures.child(hyphens, "Stint", "Ro", "2014-04-14"))
				.conditionalByUrl(condition).execute();
		MethodOutcome second = client().create().resource(Fixtures.child(spaces, "Stint", "Ro", "2014-04-14"))
				// spaces are encoded in a URL (HAPI refuses a raw space in a match URL with 400)
				.conditionalByUrl("Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + spaces.replace(" ", "%20")).execute();

		assertThat(first.getCreated()).isTrue();
		assertThat(second.getId().toUnqualifiedVersionless()).isEqualTo(first.getId().toUnqualifiedVersionless());
		assertThat(total("Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + spaces.replace(" ", "%20"))).isEqualTo(1);
		assertThat(total("Patient?nhs-number=" + hyphens)).isEqualTo(1);
	}

	@Test
	void writtenFormsOfTheNhsNumberWorkAtTheEndOfAChain() {
		String nhs = Fixtures.nextNhsNumber();
		String spaces = nhs.substring(0, 3) + "%20" + nhs.substring(3, 6) + "%20" + nhs.substring(6);
		String hyphens = nhs.substring(0, 3) + "-" + nhs.substring(3, 6) + "-" + nhs.substring(6);
		IdType child = (IdType) client().create().resource(Fixtures.child(nhs, "Plover", "Em", "2015-05-05")).execute().getId();
		client().create().resource(Fixtures.weight(new org.hl7.fhir.r4.model.Reference(child.toUnqualifiedVersionless()), 21.5)).execute();

		assertThat(total("Observation?subject:Patient.identifier=" + IdentifierSystems.NHS_NUMBER + "|" + spaces)).isEqualTo(1);
		assertThat(total("Observation?patient.identifier=" + IdentifierSystems.NHS_NUMBER + "|" + hyphens)).isEqualTo(1);
		assertThat(total("Observation?subject:Patient.nhs-number=" + hyphens)).isEqualTo(1);
		// another child's number, written with spaces, still finds nothing of this child's
		String other = Fixtures.nextNhsNumber();
		assertThat(total("Observation?subject:Patient.nhs-number=" + other.substring(0, 3) + "%20" + other.substring(3))).isZero();
	}

	@Test
	void transactionUpsertsMayWriteTheNhsNumberWithHyphens() {
		String nhs = Fixtures.nextNhsNumber();
		String hyphens = nhs.substring(0, 3) + "-" + nhs.substring(3, 6) + "-" + nhs.substring(6);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
				.setResource(Fixtures.child(hyphens, "Knot", "Vi", "2013-03-13"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
				.setIfNoneExist("identifier=" + IdentifierSystems.NHS_NUMBER + "|" + hyphens);

		Bundle first = client().transaction().withBundle(tx).execute();
		Bundle second = client().transaction().withBundle(tx).execute();

		assertThat(first.getEntryFirstRep().getResponse().getStatus()).startsWith("201");
		assertThat(second.getEntryFirstRep().getResponse().getStatus()).startsWith("200");
		assertThat(total("Patient?nhs-number=" + nhs)).isEqualTo(1);
	}

	@Test
	void everyBrokenRuleIsListed() {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Finch", "Al", "2014-04-04");
		patient.getIdentifierFirstRep().addExtension(IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_EXTENSION,
				new CodeableConcept(new Coding(IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_SYSTEM, "09", null)));
		patient.addIdentifier().setSystem(IdentifierSystems.UPN).setValue("C801200005001");
		patient.addIdentifier().setSystem(IdentifierSystems.ULN).setValue("9276308687");
		patient.addIdentifier().setSystem(IdentifierSystems.LA_CHILD_ID_PREFIX + "80").setValue("LA-123");

		OperationOutcome outcome = refused(() -> client().create().resource(patient).execute(), 422);

		assertThat(outcome.getIssue()).extracting(i -> i.getExpression().get(0).getValue()).containsExactly(
				"Patient.identifier[0].extension[0]",
				"Patient.identifier[1].value",
				"Patient.identifier[2].value",
				"Patient.identifier[3].system");
		assertThat(outcome.getIssue().get(1).getDiagnostics()).contains("check letter 'C' where 'B' was expected");
	}

	@Test
	void verifiedNhsNumberAndTemporaryUpnAreAccepted() {
		String upn = TestIdentifiers.nextTemporaryUpn().toLowerCase();
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Heron", "Mae", "2013-03-03");
		patient.getIdentifierFirstRep().addExtension(IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_EXTENSION,
				new CodeableConcept(new Coding(IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_SYSTEM, "01", "Number present and verified")));
		patient.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(upn)
				.addExtension(IdentifierSystems.UPN_STATUS_EXTENSION, new CodeType("temporary"));
		String uln = TestIdentifiers.nextUln();
		String laChildId = "CIN-" + uln;
		patient.addIdentifier().setSystem(IdentifierSystems.ULN).setValue(uln);
		patient.addIdentifier().setSystem(IdentifierSystems.LA_CHILD_ID_PREFIX + "801").setValue(laChildId);

		IdType id = (IdType) client().create().resource(patient).execute().getId();

		Patient stored = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(stored.getIdentifier().get(1).getValue()).isEqualTo(upn.toUpperCase());
		assertThat(total("Patient?identifier=" + IdentifierSystems.UPN + "|" + upn.toUpperCase())).isEqualTo(1);
		assertThat(total("Patient?identifier=" + IdentifierSystems.ULN + "|" + uln)).isEqualTo(1);
		assertThat(total("Patient?identifier=" + IdentifierSystems.LA_CHILD_ID_PREFIX + "801|" + laChildId)).isEqualTo(1);
		assertThat(total("Patient?identifier=" + IdentifierSystems.LA_CHILD_ID_PREFIX + "802|" + laChildId)).isZero();
	}

	@Test
	void upnStatusMustAgreeWithTheUpn() {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Teal", "Jo", "2012-02-02");
		patient.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(TestIdentifiers.nextPermanentUpn())
				.addExtension(IdentifierSystems.UPN_STATUS_EXTENSION, new CodeType("temporary"));

		OperationOutcome outcome = refused(() -> client().create().resource(patient).execute(), 422);

		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("is a permanent UPN", "its status says temporary");
	}

	@Test
	void aFormerUpnStillFindsTheChild() {
		String former = TestIdentifiers.nextTemporaryUpn();
		String current = TestIdentifiers.nextPermanentUpn();
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Plover", "Cy", "2011-01-01");
		patient.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(current);
		patient.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(former).setUse(Identifier.IdentifierUse.OLD);
		client().create().resource(patient).execute();

		assertThat(total("Patient?identifier=" + IdentifierSystems.UPN + "|" + former)).isEqualTo(1);
		assertThat(total("Patient?identifier=" + IdentifierSystems.UPN + "|" + current)).isEqualTo(1);
		assertThat(total("Patient?current-upn=" + current)).isEqualTo(1);
		assertThat(total("Patient?current-upn=" + former)).isZero();
	}

	@Test
	void aChildHasOneNhsNumber() {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), "Rook", "Di", "2010-10-10");
		patient.addIdentifier().setSystem(IdentifierSystems.NHS_NUMBER).setValue(Fixtures.nextNhsNumber());

		OperationOutcome outcome = refused(() -> client().create().resource(patient).execute(), 422);

		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("a child has one NHS number");
	}

	@Test
	void aSecondRecordWithTheSameNhsNumberIsAConflict() {
		String nhs = Fixtures.nextNhsNumber();
		client().create().resource(Fixtures.child(nhs, "Snipe", "Al", "2009-09-09")).execute();

		OperationOutcome outcome = refused(
				() -> client().create().resource(Fixtures.child(nhs, "Snipe", "Alan", "2009-09-09")).execute(), 409);

		assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.DUPLICATE);
		assertThat(outcome.getIssueFirstRep().getDiagnostics())
				.startsWith("NHS number " + nhs + " is already on another child's record")
				.contains("If-None-Exist")
				.doesNotContainPattern("Patient/[0-9]"); // the other record is not given away
		assertThat(total("Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs)).isEqualTo(1);
	}

	@Test
	void aDuplicateUnderIfMatchIsStillAConflictNotAPreconditionFailure() {
		String nhs = Fixtures.nextNhsNumber();
		client().create().resource(Fixtures.child(nhs, "Scaup", "Al", "2008-08-08")).execute();
		IdType other = (IdType) client().create()
				.resource(Fixtures.child(Fixtures.nextNhsNumber(), "Scaup", "Bo", "2008-08-08")).execute().getId();
		Patient update = client().read().resource(Patient.class).withId(other.getIdPart()).execute();
		update.getIdentifierFirstRep().setValue(nhs);

		Response response = http().send("PUT", "/fhir/Patient/" + other.getIdPart(),
				Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json", "If-Match", "W/\"1\""),
				FHIR.newJsonParser().encodeResourceToString(update));

		assertThat(response.status()).isEqualTo(409);
		assertThat(response.body()).contains("is already on another child's record").doesNotContainPattern("Patient/[0-9]");
	}

	@Test
	void aDuplicateInABatchDoesNotGiveAwayTheOtherRecord() {
		String nhs = Fixtures.nextNhsNumber();
		IdType existing = (IdType) client().create().resource(Fixtures.child(nhs, "Smew", "Cy", "2007-07-07")).execute().getId();
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().setResource(Fixtures.child(nhs, "Smew", "Di", "2007-07-07"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");

		Bundle response = client().transaction().withBundle(batch).execute();

		Bundle.BundleEntryResponseComponent entry = response.getEntryFirstRep().getResponse();
		assertThat(entry.getStatus()).startsWith("409");
		String outcome = FHIR.newJsonParser().encodeResourceToString(entry.getOutcome());
		assertThat(outcome).contains("duplicate").doesNotContain(existing.toUnqualifiedVersionless().getValue());
	}

	@Test
	void twoChildrenCannotShareACurrentUpnButMayShareAFormerOne() {
		String upn = TestIdentifiers.nextPermanentUpn();
		Patient first = Fixtures.child(Fixtures.nextNhsNumber(), "Crake", "Ed", "2012-12-12");
		first.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(upn);
		client().create().resource(first).execute();

		Patient second = Fixtures.child(Fixtures.nextNhsNumber(), "Crake", "Flo", "2012-12-12");
		second.addIdentifier().setSystem(IdentifierSystems.UPN).setValue(upn);
		OperationOutcome outcome = refused(() -> client().create().resource(second).execute(), 409);
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("UPN " + upn + " is already on another child's record");

		second.getIdentifier().get(1).setUse(Identifier.IdentifierUse.OLD);
		assertThat(client().create().resource(second).execute().getCreated()).isTrue();
	}

	@Test
	void aChildWithoutAnNhsNumberSaysWhyAndGetsOneLater() {
		Patient newborn = new Patient();
		newborn.addName().setFamily("Dunnock").addGiven("Baby");
		newborn.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2026-11-20"));
		newborn.addIdentifier().setSystem(IdentifierSystems.NHS_NUMBER).addExtension(
				IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_EXTENSION,
				new CodeableConcept(new Coding(IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_SYSTEM,
						"nhs-number-not-known", "NHS number not known")));
		IdType id = (IdType) client().create().resource(newborn).execute().getId();

		String nhs = Fixtures.nextNhsNumber();
		Patient traced = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		traced.getIdentifierFirstRep().setValue(nhs).getExtension().clear();
		client().update().resource(traced).execute();

		assertThat(total("Patient?nhs-number=" + nhs)).isEqualTo(1);
		refused(() -> client().create().resource(Fixtures.child(nhs, "Dunnock", "Kit", "2026-11-20")).execute(), 409);
	}

	@Test
	void anEmptyNhsNumberMustSayWhy() {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(IdentifierSystems.NHS_NUMBER);

		OperationOutcome outcome = refused(() -> client().create().resource(patient).execute(), 422);

		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("NHS number is empty", "nhs-number-not-known");
	}

	@Test
	void transactionWithOneBrokenChildWritesNothing() {
		String good = Fixtures.nextNhsNumber();
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(Fixtures.child(good, "Siskin", "Amy", "2015-05-05"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		tx.addEntry().setResource(Fixtures.child("9876544321", "Siskin", "Ben", "2015-05-05"))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");

		OperationOutcome outcome = refused(() -> client().transaction().withBundle(tx).execute(), 422);

		assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("9876544321"));
		assertThat(total("Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + good)).isZero();
	}

	@Test
	void patchCannotBreakTheRules() {
		IdType id = (IdType) client().create()
				.resource(Fixtures.child(Fixtures.nextNhsNumber(), "Tern", "Lu", "2016-06-06")).execute().getId();

		Response response = http().send("PATCH", "/fhir/Patient/" + id.getIdPart(),
				Map.of("Content-Type", "application/json-patch+json", "Accept", "application/fhir+json"),
				"[{\"op\":\"replace\",\"path\":\"/identifier/0/value\",\"value\":\"0000000000\"}]");

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.body()).contains("placeholder");
		Patient unchanged = client().read().resource(Patient.class).withId(id.getIdPart()).execute();
		assertThat(unchanged.getMeta().getVersionId()).isEqualTo("1");
	}

	@Test
	void theWholeRecordByNhsNumberInOneCall() {
		String nhs = Fixtures.nextNhsNumber();
		IdType id = (IdType) client().create().resource(Fixtures.child(nhs, "Gannet", "Rue", "2016-02-02")).execute().getId();
		client().create().resource(Fixtures.weight(new org.hl7.fhir.r4.model.Reference(id.toUnqualifiedVersionless()), 18.2)).execute();

		Bundle record = client().search().byUrl("Patient?nhs-number=" + nhs + "&_revinclude=*").returnBundle(Bundle.class).execute();

		assertThat(record.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("Patient", "Observation");
	}

	@Test
	void recordsCanReferToTheChildByNhsNumber() {
		String nhs = Fixtures.nextNhsNumber();
		IdType child = (IdType) client().create().resource(Fixtures.child(nhs, "Shag", "Iva", "2015-01-09")).execute().getId();

		var weight = Fixtures.weight(new org.hl7.fhir.r4.model.Reference(
				"Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs), 19.9);
		IdType obs = (IdType) client().create().resource(weight).execute().getId();

		var stored = client().read().resource(org.hl7.fhir.r4.model.Observation.class).withId(obs.getIdPart()).execute();
		assertThat(stored.getSubject().getReference()).isEqualTo(child.toUnqualifiedVersionless().getValue());
	}

	@Test
	void theCapabilityStatementPublishesMatchAndMerge() {
		var cs = client().capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
		var patient = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();

		assertThat(patient.getOperation()).extracting(o -> o.getName()).contains("match", "merge");
		assertThat(patient.getSearchParam()).extracting(p -> p.getName()).contains("nhs-number", "current-upn");
	}

	@Test
	void theIdentifierSystemsAndUpnStatusArePublished() {
		var upn = client().read().resource(org.hl7.fhir.r4.model.NamingSystem.class).withId("childlink-upn").execute();
		assertThat(upn.getUniqueIdFirstRep().getValue()).isEqualTo(IdentifierSystems.UPN);

		Bundle found = client().search().byUrl("StructureDefinition?url=" + IdentifierSystems.UPN_STATUS_EXTENSION)
				.returnBundle(Bundle.class).execute();
		assertThat(found.getTotal()).isEqualTo(1);

		var lookup = client().operation().onType(org.hl7.fhir.r4.model.CodeSystem.class).named("$lookup")
				.withParameter(org.hl7.fhir.r4.model.Parameters.class, "system",
						new org.hl7.fhir.r4.model.UriType("https://fhir.childlink.uk/CodeSystem/upn-status"))
				.andParameter("code", new CodeType("temporary"))
				.execute();
		assertThat(lookup.getParameter("display").getValue().primitiveValue()).isEqualTo("Temporary UPN");

		var expansion = client().operation().onType(org.hl7.fhir.r4.model.ValueSet.class).named("$expand")
				.withParameter(org.hl7.fhir.r4.model.Parameters.class, "url",
						new org.hl7.fhir.r4.model.UriType("https://fhir.childlink.uk/ValueSet/upn-status"))
				.returnResourceType(org.hl7.fhir.r4.model.ValueSet.class).execute();
		assertThat(expansion.getExpansion().getContains()).extracting(c -> c.getCode()).containsExactlyInAnyOrder("permanent", "temporary");
	}

	private int total(String url) {
		return client().search().byUrl(url).returnBundle(Bundle.class).execute().getTotal();
	}

	private static OperationOutcome refused(Runnable request, int status) {
		try {
			request.run();
		} catch (BaseServerResponseException e) {
			assertThat(e.getStatusCode()).as(e.getMessage()).isEqualTo(status);
			assertThat(e.getOperationOutcome()).isNotNull();
			return (OperationOutcome) e.getOperationOutcome();
		}
		throw new AssertionError("expected HTTP " + status + " but the request succeeded");
	}
}
