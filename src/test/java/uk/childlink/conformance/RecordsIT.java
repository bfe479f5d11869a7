package uk.childlink.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uk.childlink.support.Records.AGENCY;
import static uk.childlink.support.Records.CATEGORY;
import static uk.childlink.support.Records.LA_NUMBER;
import static uk.childlink.support.Records.OBSERVATION_CODE;
import static uk.childlink.support.Fixtures.NHS_NUMBER_SYSTEM;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;

/**
 * What services record about a child, written over HTTP as the profiles describe, refused when broken, and found by
 * the searches practitioners need.
 */
class RecordsIT extends IntegrationTest {

	private static final String ATTENDANCE = OBSERVATION_CODE + "|attendance-summary";

	@Test
	void theWalkThroughBundleRecordsAWeekASuspensionAPlanAndAVisitThatReadBackByNhsNumber() throws Exception {
		String bundle = Files.readString(Path.of("docs/examples/record-a-week.json"));
		RawHttp.Response posted = http().send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"), bundle);
		assertThat(posted.status()).as(posted.body()).isEqualTo(200);

		Bundle found = client().search().byUrl("Patient?identifier=" + NHS_NUMBER_SYSTEM + "|9999000053"
						+ "&_revinclude=Observation:subject&_revinclude=Encounter:subject")
				.returnBundle(Bundle.class).execute();

		List<String> codes = found.getEntry().stream().map(e -> e.getResource()).map(RecordsIT::code).toList();
		assertThat(codes).contains("Patient", "attendance-summary", "suspension", "cp-plan", "health-visitor-contact");
	}

	@Test
	void attendanceForAChildInADateRangeByNhsNumber() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		String nhs = Fixtures.nextNhsNumber();
		Reference child = childRef(client, nhs);
		for (String[] week : new String[][] {{"2026-09-07", "2026-09-11"}, {"2026-09-14", "2026-09-18"},
				{"2026-09-21", "2026-09-25"}, {"2026-09-28", "2026-10-02"}}) {
			client.create().resource(Records.attendanceWeek(child, school, week[0], week[1], 9, 1, 0)).execute();
		}

		Bundle weeks = client.search().byUrl("Observation?subject:Patient.identifier=" + NHS_NUMBER_SYSTEM + "|" + nhs
						+ "&code=" + ATTENDANCE + "&date=ge2026-09-14&date=le2026-09-25&_sort=date")
				.returnBundle(Bundle.class).execute();

		assertThat(weeks.getEntry()).extracting(e -> ((Observation) e.getResource()).getEffectivePeriod().getStartElement()
				.getValueAsString()).containsExactly("2026-09-14", "2026-09-21");
	}

	@Test
	void childrenAtASchoolBelowNinetyPercentInAPeriod() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference otherSchool = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference low = childRef(client, Fixtures.nextNhsNumber());
		Reference full = childRef(client, Fixtures.nextNhsNumber());
		Reference lowElsewhere = childRef(client, Fixtures.nextNhsNumber());
		client.create().resource(Records.attendanceWeek(low, school, "2026-09-07", "2026-09-11", 8, 1, 1)).execute();
		client.create().resource(Records.attendanceWeek(full, school, "2026-09-07", "2026-09-11", 10, 0, 0)).execute();
		client.create().resource(Records.attendanceWeek(low, school, "2026-06-01", "2026-06-05", 5, 0, 5)).execute();
		client.create().resource(Records.attendanceWeek(lowElsewhere, otherSchool, "2026-09-07", "2026-09-11", 5, 5, 0))
				.execute();

		Bundle below = client.search().byUrl("Observation?code=" + ATTENDANCE + "&performer=" + school.getReference()
						+ "&value-quantity=lt90&date=ge2026-09-01&date=le2026-12-18&_include=Observation:subject")
				.returnBundle(Bundle.class).execute();

		assertThat(below.getEntry()).filteredOn(e -> e.getResource() instanceof Patient)
				.extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(low.getReference());
		assertThat(below.getEntry()).filteredOn(e -> e.getResource() instanceof Observation).hasSize(1);
	}

	@Test
	void childrenWithAnOpenChildProtectionPlanInACouncil() {
		IGenericClient client = client();
		String laNumber = Records.nextLaNumber();
		Reference council = ref(client.create().resource(Records.localAuthority(laNumber)).execute().getId());
		Reference otherCouncil = ref(client.create().resource(Records.localAuthority(Records.nextLaNumber()))
				.execute().getId());
		Reference open = childRef(client, Fixtures.nextNhsNumber());
		Reference ended = childRef(client, Fixtures.nextNhsNumber());
		Reference elsewhere = childRef(client, Fixtures.nextNhsNumber());
		String lastYear = LocalDate.now().minusYears(1).toString();
		client.create().resource(Records.cpPlan(open, council, lastYear, null, "NEG")).execute();
		client.create().resource(Records.cpPlan(ended, council, lastYear, LocalDate.now().minusMonths(1).toString(), "PHY"))
				.execute();
		client.create().resource(Records.cpPlan(elsewhere, otherCouncil, lastYear, null, "EMO")).execute();

		Bundle plans = client.search().byUrl("Observation?code=" + OBSERVATION_CODE + "|cp-plan"
						+ "&performer:Organization.identifier=" + LA_NUMBER + "|" + laNumber
						+ "&date=ge" + LocalDate.now() + "&_include=Observation:subject")
				.returnBundle(Bundle.class).execute();

		assertThat(plans.getEntry()).filteredOn(e -> e.getResource() instanceof Patient)
				.extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(open.getReference());
	}

	@Test
	void aChildsContactsWithOneAgency() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		Reference child = childRef(client, nhs);
		Reference trust = ref(client.create().resource(Records.healthProvider("X" + Records.nextUrn())).execute().getId());
		Reference council = ref(client.create().resource(Records.localAuthority(Records.nextLaNumber())).execute().getId());
		client.create().resource(Records.contact(child, trust, "health-visitor-contact", "health", "2026-10-01T09:00:00Z"))
				.execute();
		client.create().resource(Records.contact(child, council, "social-work-visit", "social-care", "2026-10-02T09:00:00Z"))
				.execute();
		client.create().resource(Records.contact(child, trust, "school-nurse-contact", "health", "2026-10-03T09:00:00Z"))
				.execute();

		Bundle health = client.search().byUrl("Encounter?subject:Patient.identifier=" + NHS_NUMBER_SYSTEM + "|" + nhs
						+ "&agency=" + AGENCY + "|health&_sort=date")
				.returnBundle(Bundle.class).execute();

		assertThat(health.getEntry()).extracting(e -> code(e.getResource()))
				.containsExactly("health-visitor-contact", "school-nurse-contact");
	}

	// ------------------------------------------------------------------------------------------------ refusals

	@Test
	void aCodeThatIsNotInOurCodeSystemIsRefused() {
		IGenericClient client = client();
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		Reference council = ref(client.create().resource(Records.localAuthority(Records.nextLaNumber())).execute().getId());

		assertRefused(() -> client.create().resource(Records.cpPlan(child, council, "2026-01-05", null, "ABC")).execute(),
				"cp-category#ABC", "Observation.value.ofType(CodeableConcept)");

		// an Observation that claims our code system gets its code checked even where no profile applies
		Observation unknown = Fixtures.weight(child, 20);
		unknown.getCode().getCodingFirstRep().setSystem(OBSERVATION_CODE).setCode("height-of-hat");
		assertRefused(() -> client.create().resource(unknown).execute(), "observation-code#height-of-hat", "Observation.code.coding[0]");

		// and $validate, for a client checking before sending, says the same
		RawHttp.Response checked = http().send("POST", "/fhir/Observation/$validate",
				Map.of("Content-Type", "application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(unknown));
		OperationOutcome outcome = (OperationOutcome) FHIR.newJsonParser().parseResource(checked.body());
		assertThat(outcome.getIssue()).anySatisfy(i -> {
			assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
			assertThat(i.getDiagnostics()).contains("observation-code#height-of-hat");
		});
	}

	@Test
	void attendanceWithoutAPeriodOrWithCountsThatDoNotAddUpIsRefused() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());

		Observation noPeriod = Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 9, 1, 0);
		noPeriod.setEffective(null);
		assertRefused(() -> client.create().resource(noPeriod).execute(), "Observation.effective[x]: minimum required = 1");

		Observation overcounted = Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 9, 1, 0);
		overcounted.getComponent().get(1).setValue(new IntegerType(10)); // 10 present of 10 possible, plus 1 authorised
		assertRefused(() -> client.create().resource(overcounted).execute(), "cl-att-1");
	}

	@Test
	void aReferenceToAChildThatDoesNotExistIsRefused() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Observation orphan = Records.attendanceWeek(new Reference("Patient/no-such-child"), school, "2026-09-07",
				"2026-09-11", 10, 0, 0);

		assertRefused(() -> client.create().resource(orphan).execute(), "Patient/no-such-child not found",
				"Observation.subject");

		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(orphan).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		assertRefused(() -> client.transaction().withBundle(tx).execute(), "Patient/no-such-child not found",
				"Observation.subject");
	}

	@Test
	void anUpdateOrPatchThatBreaksTheProfileIsRefusedAndTheStoredVersionStays() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		IIdType id = client.create().resource(Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 10, 0, 0))
				.execute().getId().toUnqualifiedVersionless();

		Observation changed = client.read().resource(Observation.class).withId(id).execute();
		changed.getValueQuantity().setValue(50);
		assertRefused(() -> client.update().resource(changed).execute(), "cl-att-2");

		String patch = "[{\"op\":\"replace\",\"path\":\"/component/0/valueInteger\",\"value\":12}]";
		assertRefused(() -> client.patch().withBody(patch).withId(id).execute(), "cl-att-1");
		assertThat(client.read().resource(Observation.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("1");
	}

	@Test
	void oneBrokenEntryRefusesTheWholeTransactionAndSaysWhichEntry() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Patient patient = Fixtures.child(nhs, "Entry", "Ellis", "2017-01-01");
		tx.addEntry().setFullUrl("urn:uuid:0b9e6cda-0000-4000-8000-000000000001").setResource(patient)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Reference child = new Reference("urn:uuid:0b9e6cda-0000-4000-8000-000000000001");
		tx.addEntry().setResource(Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 10, 0, 0))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		Observation broken = Records.attendanceWeek(child, school, "2026-09-14", "2026-09-18", 10, 0, 0);
		broken.getValueQuantity().setValue(70);
		tx.addEntry().setResource(broken).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
					OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
					assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("cl-att-2");
					assertThat(outcome.getIssueFirstRep().getLocation().get(0).getValue()).isEqualTo("Bundle.entry[2].resource");
				});
		assertThat(client.search().byUrl("Patient?identifier=" + NHS_NUMBER_SYSTEM + "|" + nhs)
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	@Test
	void aBrokenEntryAmongRecordsNoProfileAppliesToIsReportedAtItsOwnPlace() {
		// the validator is given only the entries a profile applies to (and what they refer to): its positions are
		// mapped back to the transaction's
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(Fixtures.weight(child, 21)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		tx.addEntry().setResource(Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 10, 0, 0))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		tx.addEntry().setResource(Fixtures.weight(child, 22)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		Observation broken = Records.attendanceWeek(child, school, "2026-09-14", "2026-09-18", 10, 0, 0);
		broken.getValueQuantity().setValue(70);
		tx.addEntry().setResource(broken).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(
						((OperationOutcome) e.getOperationOutcome()).getIssue())
						.extracting(i -> i.getLocation().get(0).getValue())
						.containsExactly("Bundle.entry[3].resource"));
	}

	/** Validated as one bundle, a transaction's conditional references still mean what they mean to HAPI. */
	@Test
	void aTransactionMayReferToTheChildByNhsNumber() {
		IGenericClient client = client();
		String nhs = Fixtures.nextNhsNumber();
		IIdType childId = client.create().resource(Fixtures.child(nhs, "Conditional", "Cass", "2017-02-02")).execute()
				.getId().toUnqualifiedVersionless();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference byNhsNumber = new Reference("Patient?identifier=" + NHS_NUMBER_SYSTEM + "|" + nhs);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(Records.attendanceWeek(byNhsNumber, school, "2026-09-07", "2026-09-11", 10, 0, 0))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		tx.addEntry().setResource(Records.attendanceWeek(byNhsNumber, school, "2026-09-14", "2026-09-18", 9, 0, 1))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		Bundle answer = client.transaction().withBundle(tx).execute();

		assertThat(answer.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
		assertThat(client.search().byUrl("Observation?subject=" + childId.getValue()).returnBundle(Bundle.class)
				.execute().getEntry()).hasSize(2);
	}

	@Test
	void claimingOneOfOurProfilesThatDoesNotExistIsRefused() {
		Observation weight = Fixtures.weight(childRef(client(), Fixtures.nextNhsNumber()), 19);
		weight.getMeta().addProfile(Records.SD + "attendence");

		assertRefused(() -> client().create().resource(weight).execute(), "attendence", "Observation.meta.profile[0]");
	}

	@Test
	void theCapabilityStatementNamesTheProfilesEachResourceTypeSupports() {
		var capabilities = client().capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();

		var observation = capabilities.getRestFirstRep().getResource().stream()
				.filter(r -> r.getType().equals("Observation")).findFirst().orElseThrow();
		assertThat(observation.getSupportedProfile()).extracting(p -> p.getValue())
				.contains(Records.SD + "attendance", Records.SD + "cp-plan", Records.SD + "exclusion");
	}

	@Test
	void everyBrokenEntryOfATransactionIsReportedAtOnce() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int week = 0; week < 5; week++) {
			String monday = LocalDate.of(2026, 9, 7).plusWeeks(week).toString();
			String friday = LocalDate.of(2026, 9, 11).plusWeeks(week).toString();
			Observation obs = Records.attendanceWeek(child, school, monday, friday, 9, 1, 0);
			if (week == 1 || week == 3) {
				obs.getValueQuantity().setValue(42);
			}
			tx.addEntry().setResource(obs).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}

		assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(
						((OperationOutcome) e.getOperationOutcome()).getIssue())
						.extracting(i -> i.getLocation().get(0).getValue())
						.containsExactly("Bundle.entry[1].resource", "Bundle.entry[3].resource"));
		assertThat(client.search().byUrl("Observation?subject=" + child.getReference()).returnBundle(Bundle.class)
				.execute().getEntry()).isEmpty();
	}

	@Test
	void inABatchABrokenEntryIsRefusedAndTheOthersAreWritten() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		Observation good = Records.attendanceWeek(child, school, "2026-09-07", "2026-09-11", 10, 0, 0);
		Observation broken = Records.attendanceWeek(child, school, "2026-09-14", "2026-09-18", 10, 0, 0);
		broken.getValueQuantity().setValue(1);
		batch.addEntry().setResource(good).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		batch.addEntry().setResource(broken).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		Bundle response = client.transaction().withBundle(batch).execute();

		assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3))
				.containsExactly("201", "422");
		assertThat(client.search().byUrl("Observation?subject=" + child.getReference()).returnBundle(Bundle.class)
				.execute().getEntry()).hasSize(1);
	}

	@Test
	void aCodeSystemUnderOurNamespaceThatDoesNotExistIsRefused() {
		Encounter contact = Records.contact(childRef(client(), Fixtures.nextNhsNumber()),
				ref(client().create().resource(Records.healthProvider("X" + Records.nextUrn())).execute().getId()),
				"school-nurse-contact", "health", "2026-10-05T09:00:00Z");
		contact.getPriority().addCoding().setSystem(Records.BASE + "/CodeSystem/agnecy").setCode("health");

		assertRefused(() -> client().create().resource(contact).execute(), "CodeSystem/agnecy", "Encounter.priority.coding[0]");
	}

	@Test
	void ourOwnDefinitionsCannotBeReplacedOrDeletedThroughTheApi() {
		IGenericClient client = client();
		org.hl7.fhir.r4.model.StructureDefinition lax = client.read()
				.resource(org.hl7.fhir.r4.model.StructureDefinition.class).withId("childlink-attendance").execute();
		lax.getDifferential().getElement().removeIf(e -> e.hasConstraint());

		assertThatThrownBy(() -> client.update().resource(lax).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		lax.setId((String) null);
		assertThatThrownBy(() -> client.create().resource(lax).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(403);
					assertThat(diagnostics(e)).contains("one of ChildLink's own definitions");
				});
		assertThatThrownBy(() -> client.delete().resourceById("CodeSystem", "childlink-agency").execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		assertThat(client.read().resource(org.hl7.fhir.r4.model.StructureDefinition.class).withId("childlink-attendance")
				.execute().getMeta().getVersionId()).isEqualTo("1");
	}

	// ------------------------------------------------------------------------------------------------ still open

	@Test
	void resourcesUnrelatedToOurProfilesAreAcceptedAsAnyFhirServerWould() {
		IGenericClient client = client();
		Patient plain = new Patient();
		plain.addName().setFamily("Plain");
		Reference child = ref(client.create().resource(plain).execute().getId());

		MethodOutcome weight = client.create().resource(Fixtures.weight(child, 21.5)).execute();
		assertThat(weight.getCreated()).isTrue();

		// a warning (an NHS ethnic category code the server cannot look up) does not block
		Patient withEthnicity = Fixtures.child(Fixtures.nextNhsNumber(), "Warn", "Wren", "2016-02-02");
		withEthnicity.addExtension(Records.SD + "ethnicity", new CodeableConcept(
				new Coding("https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland", "M", "Black - Caribbean")));
		assertThat(client.create().resource(withEthnicity).execute().getCreated()).isTrue();

		// another publisher's profile that this server does not hold is the client's business
		Patient ukCore = Fixtures.child(Fixtures.nextNhsNumber(), "Core", "Corin", "2016-03-03");
		ukCore.getMeta().addProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient");
		assertThat(client.create().resource(ukCore).execute().getCreated()).isTrue();
		RawHttp.Response checked = http().send("POST", "/fhir/Patient/$validate",
				Map.of("Content-Type", "application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(ukCore));
		assertThat(((OperationOutcome) FHIR.newJsonParser().parseResource(checked.body())).getIssue())
				.noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);

		// a birth date known only to the year (this year) is not "in the future"
		Patient yearOnly = Fixtures.child(Fixtures.nextNhsNumber(), "Year", "Yani", "2016-01-01");
		yearOnly.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(Integer.toString(LocalDate.now().getYear())));
		assertThat(client.create().resource(yearOnly).execute().getCreated()).isTrue();
	}

	@Test
	void theCategoryCountsAreSearchableAsComponents() {
		IGenericClient client = client();
		Reference school = ref(client.create().resource(Records.school(Records.nextUrn())).execute().getId());
		Reference child = childRef(client, Fixtures.nextNhsNumber());
		client.create().resource(Records.attendanceWeek(child, school, "2026-11-02", "2026-11-06", 6, 0, 4)).execute();

		Bundle found = client.search().byUrl("Observation?subject=" + child.getReference() + "&code=" + ATTENDANCE
						+ "&component-code=" + CATEGORY + "|unauthorised")
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
	}

	// ------------------------------------------------------------------------------------------------ helpers

	private static Reference childRef(IGenericClient client, String nhs) {
		return ref(client.create().resource(Fixtures.child(nhs, "Record", "Rowan", "2015-06-01")).execute().getId());
	}

	private static Reference ref(IIdType id) {
		return new Reference(id.toUnqualifiedVersionless().getValue());
	}

	private static String code(Resource resource) {
		if (resource instanceof Observation obs) {
			return obs.getCode().getCoding().stream().filter(c -> OBSERVATION_CODE.equals(c.getSystem()))
					.map(Coding::getCode).findFirst().orElse("?");
		}
		if (resource instanceof Encounter enc) {
			return enc.getTypeFirstRep().getCodingFirstRep().getCode();
		}
		return resource.fhirType();
	}

	private static String diagnostics(BaseServerResponseException e) {
		return e.getOperationOutcome() == null ? e.getMessage()
				: ((OperationOutcome) e.getOperationOutcome()).getIssue().stream()
						.map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
						.reduce("", (a, b) -> a + "\n" + b);
	}

	private static void assertRefused(Runnable write, String message, String... locations) {
		assertThatThrownBy(write::run).isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
			OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
			assertThat(diagnostics(e)).contains(message);
			assertThat(outcome.getIssue()).allSatisfy(i -> assertThat(i.getSeverity())
					.isEqualTo(OperationOutcome.IssueSeverity.ERROR));
			assertThat(outcome.getIssue()).allSatisfy(i -> assertThat(i.getLocation()).isNotEmpty());
			if (locations.length > 0) {
				assertThat(outcome.getIssue()).flatExtracting(i -> i.getLocation().stream().map(l -> l.getValue()).toList())
						.contains(locations);
			}
		});
	}
}
