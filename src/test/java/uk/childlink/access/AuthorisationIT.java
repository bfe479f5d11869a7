package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;

/**
 * Who sees and writes what: each caller of the {@link World} against reads, searches and writes of Ada's and Ben's
 * records, asserting what is allowed and what is refused.
 */
class AuthorisationIT extends IntegrationTest {

	private static World world;

	@BeforeEach
	void world() {
		if (world == null) {
			world = World.create(client());
		}
	}

	@Test
	void organisationsRelatedToTheChildReadHerRecord() {
		// school A (her attendance), her GP (named on her record), her council (responsible), each by its own path
		for (String token : List.of(world.schoolAToken(), world.gpToken(), world.councilToken())) {
			assertThat(http(token).get("/fhir/" + world.ada).status()).isEqualTo(200);
			Bundle records = search(token, "/fhir/Observation?subject=" + world.ada);
			assertThat(ids(records)).contains(world.adaAttendance, world.adaCpPlan);
		}
	}

	@Test
	void anOrganisationWithoutARelationshipCannotTellTheChildExists() {
		RawHttp yot = http(world.yotToken());
		assertThat(yot.get("/fhir/" + world.ada).status()).isEqualTo(404);
		assertThat(http(world.schoolAToken()).get("/fhir/" + world.ben).status()).isEqualTo(404);
		Bundle byNhs = search(world.yotToken(), "/fhir/Patient?identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + world.adaNhs);
		assertThat(byNhs.getEntry()).isEmpty();
		assertThat(byNhs.hasTotal()).as("no total that would count what is hidden").isFalse();
		assertThat(yot.get("/fhir/" + world.adaAttendance).status()).isEqualTo(404);
	}

	@Test
	void nothingLeaksThroughIncludesChainsHasEverythingOrHistory() {
		String yot = world.yotToken();
		String nhs = Fixtures.NHS_NUMBER_SYSTEM + "|" + world.adaNhs;
		for (String query : List.of(
				"/fhir/Observation?subject=" + world.ada,
				"/fhir/Observation?subject.identifier=" + nhs,
				"/fhir/Observation?subject:Patient.identifier=" + nhs + "&_include=Observation:subject",
				"/fhir/Patient?_has:Observation:subject:performer=" + world.council,
				"/fhir/Patient?identifier=" + nhs + "&_revinclude=Observation:subject&_revinclude=Encounter:subject",
				"/fhir/" + world.ada + "/_history",
				"/fhir/Encounter?service-provider=" + world.gp)) {
			Bundle found = search(yot, query);
			assertThat(found.getEntry()).as(query).noneMatch(e -> e.hasResource() && isAboutAda(e.getResource()));
		}
		// an organisation is public; the child records that point at it are not
		Bundle org = search(yot, "/fhir/Organization?_id=" + world.schoolA.substring(13) + "&_revinclude=Observation:performer");
		assertThat(ids(org)).containsExactly(world.schoolA);
		assertThat(http(yot).get("/fhir/" + world.ada + "/$everything").status()).isEqualTo(404);
		// what cannot be narrowed to the caller's children in the search itself is for an admin
		for (String across : List.of("/fhir/Observation/_history?_count=500", "/fhir/_history",
				"/fhir/Patient/$everything")) {
			assertRefused(http(yot).get(across), 403, "for an admin");
		}
		// each of those searches is in the trail, as the YOT's, naming no child it did not get back
		List<AuditEvent> answered = events(world.yotSubject).stream()
				.filter(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._0).toList();
		assertThat(answered).hasSizeGreaterThanOrEqualTo(7).allMatch(e -> e.getEntity().stream()
				.noneMatch(x -> world.ada.equals(x.getWhat().getReference())));
		// counting would tell what is hidden: refused
		assertThat(http(yot).get("/fhir/Observation?subject=" + world.ada + "&_summary=count").status()).isEqualTo(400);
		assertThat(http(yot).get("/fhir/Observation?subject=" + world.ada + "&_total=accurate").status()).isEqualTo(400);
	}

	@Test
	void aPageLinkFromSomeoneElsesSearchShowsOnlyWhatTheFollowerMaySee() {
		Bundle first = search(world.councilToken(), "/fhir/Observation?subject=" + world.ada + "&_count=1");
		assertThat(first.getEntry()).hasSize(1);
		String next = first.getLink("next").getUrl();
		String path = next.substring(next.indexOf("/fhir"));
		Bundle followed = search(world.yotToken(), path);
		assertThat(followed.getEntry()).noneMatch(e -> e.hasResource() && isAboutAda(e.getResource()));
		Bundle allowed = search(world.councilToken(), path);
		assertThat(allowed.getEntry()).hasSize(1).allMatch(e -> isAboutAda(e.getResource()));
	}

	@Test
	void aDuplicateNhsNumberRefusalDoesNotRevealTheOtherRecord() {
		Patient copy = Fixtures.child(world.adaNhs, "Somebody", "Else", "2014-12-10");
		RawHttp.Response refused = http(world.yotToken()).send("POST", "/fhir/Patient",
				Map.of("Content-Type", "application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(copy));
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.body()).doesNotContain(world.ada.substring(8), "Lovelace", "Ada");
	}

	@Test
	void scopesLimitTypesAndInteractions() {
		String observationsOnly = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.LA,
				world.laNumber).agency("social-care").scope("user/Observation.rs").sign();
		RawHttp http = http(observationsOnly);
		assertRefused(http.get("/fhir/" + world.ada), 403, "user/Patient.r");
		assertThat(http.get("/fhir/" + world.adaCpPlan).status()).isEqualTo(200);
		Observation plan = Records.cpPlan(new Reference(world.ada), new Reference(world.council), world.monday, null,
				"NEG");
		assertRefused(post(http, plan), 403, "create of Observation");
		// an _include of a type the scopes do not grant is left out
		Bundle withChild = search(observationsOnly, "/fhir/Observation?_id=" + world.adaCpPlan.substring(12)
				+ "&_include=Observation:subject");
		assertThat(ids(withChild)).containsExactly(world.adaCpPlan);
		assertRefused(http(world.schoolAToken()).send("DELETE", "/fhir/" + world.adaContact, Map.of(), null), 403,
				"delete of Encounter");
	}

	@Test
	void anOrganisationRecordsOnlyInItsOwnNameAndAgency() {
		RawHttp schoolA = http(world.schoolAToken());
		Observation own = Records.attendanceWeek(new Reference(world.ada), new Reference(world.schoolA), world.monday,
				world.friday, 10, 0, 0);
		assertThat(post(schoolA, own).status()).isEqualTo(201);
		Observation forB = Records.attendanceWeek(new Reference(world.ada), new Reference(world.schoolB), world.monday,
				world.friday, 10, 0, 0);
		assertRefused(post(schoolA, forB), 403, "in its own name");
		Observation socialCare = Records.cpPlan(new Reference(world.ada), new Reference(world.schoolA), world.monday,
				null, "NEG");
		assertRefused(post(schoolA, socialCare), 403, "social-care record");
		Observation plan = client().read().resource(Observation.class).withId(world.adaCpPlan).execute();
		plan.getPerformerFirstRep().setReference(world.schoolA);
		assertRefused(schoolA.send("PUT", "/fhir/" + world.adaCpPlan, Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(plan)), 403, "the stored record");
		assertRefused(schoolA.send("DELETE", "/fhir/" + world.ada, Map.of(), null), 403, "Patient");
		// the GP records a contact of its own
		RawHttp gp = http(world.gpToken());
		assertThat(post(gp, Records.contact(new Reference(world.ada), new Reference(world.gp), "health-visitor-contact",
				"health", world.monday)).status()).isEqualTo(201);
		// a transaction with one entry in another's name is refused whole
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		tx.addEntry().setResource(own.copy()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		tx.addEntry().setResource(forB.copy()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		int before = count("/fhir/Observation?subject=" + world.ada);
		assertRefused(schoolA.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(tx)), 403, "in its own name");
		assertThat(count("/fhir/Observation?subject=" + world.ada)).isEqualTo(before);
	}

	@Test
	void aChildsDetailsAreChangedOnlyByARelatedOrganisation() {
		Patient ben = client().read().resource(Patient.class).withId(world.ben).execute();
		ben.addName().setFamily("Brontë").addGiven("Benjamin");
		String body = FHIR.newJsonParser().encodeResourceToString(ben);
		RawHttp.Response hidden = http(world.yotToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body);
		assertThat(hidden.status()).isEqualTo(404); // as for a read: the child does not exist for them
		assertThat(hidden.body()).doesNotContain("Brontë", world.benNhs);
		assertRefused(http(world.schoolAToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body), 403, "user/Patient.u");
		assertThat(http(world.schoolBToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body).status()).isEqualTo(200);
	}

	@Test
	void aWriteToARecordTheCallerCannotSeeTellsNothingAboutIt() {
		RawHttp yot = http(world.yotToken());
		Observation plan = client().read().resource(Observation.class).withId(world.adaCpPlan).execute();
		for (RawHttp.Response response : List.of(
				yot.send("PUT", "/fhir/" + world.adaCpPlan, Map.of("Content-Type", "application/fhir+json"),
						FHIR.newJsonParser().encodeResourceToString(plan)),
				yot.send("DELETE", "/fhir/" + world.adaCpPlan, Map.of(), null))) {
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.body()).doesNotContain(world.council, world.ada, "social-care");
		}
		assertThat(http().get("/fhir/" + world.adaCpPlan).status()).isEqualTo(200); // still there
		// a conditional create matching the hidden child does not give away her id
		Patient copy = Fixtures.child(world.adaNhs, "Lovelace", "Ada", "2014-12-10");
		RawHttp.Response matched = yot.send("POST", "/fhir/Patient", Map.of("Content-Type", "application/fhir+json",
				"If-None-Exist", "identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + world.adaNhs),
				FHIR.newJsonParser().encodeResourceToString(copy));
		assertThat(matched.status()).isEqualTo(409);
		assertThat(matched.body() + matched.headers()).doesNotContain(world.ada.substring(8) + "/_history",
				"\"" + world.ada.substring(8) + "\"");
		assertThat(matched.headers()).doesNotContainKey("location");
	}

	@Test
	void operationsBatchesAndErrorsDoNotOpenAnotherWayIn() {
		RawHttp yot = http(world.yotToken());
		// an operation on a record reads it as the caller would first
		assertThat(yot.get("/fhir/" + world.adaCpPlan + "/$meta").status()).isEqualTo(404);
		assertRefused(yot.get("/fhir/" + world.ada + "/$validate?mode=delete"), 403, "admin");
		// "not known" reads the same for a hidden record and a missing one
		String hidden = outcome(yot.get("/fhir/" + world.adaCpPlan));
		String missing = outcome(yot.get("/fhir/Observation/987654321"));
		assertThat(hidden.replace(world.adaCpPlan, "X")).isEqualTo(missing.replace("Observation/987654321", "X"));
		// _has from organisations into children's records would tell who recorded what about a child
		assertRefused(yot.get("/fhir/Organization?_has:Observation:performer:subject=" + world.ada), 403, "_has from");
		// a batch's reads need the scopes each would need alone
		String searchOnly = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.LA,
				world.laNumber).agency("social-care").scope("user/Patient.s").sign();
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(world.ada);
		assertRefused(http(searchOnly).send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(batch)), 403, "read of Patient");
		for (String url : List.of("$get-resource-counts", "%24get-resource-counts")) {
			Bundle counts = new Bundle().setType(Bundle.BundleType.BATCH);
			counts.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
			assertRefused(yot.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"),
					FHIR.newJsonParser().encodeResourceToString(counts)), 403, "admin");
		}
		for (String url : List.of("Observation?subject=" + world.ada + "&_summary=count",
				"Patient?_has%3AObservation%3Asubject%3Aperformer=" + world.council)) {
			Bundle sneaky = new Bundle().setType(Bundle.BundleType.BATCH);
			sneaky.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
			assertRefused(yot.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"),
					FHIR.newJsonParser().encodeResourceToString(sneaky)), 403, "inside a batch");
		}
		Bundle meta = new Bundle().setType(Bundle.BundleType.BATCH);
		meta.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(world.adaCpPlan + "/$meta");
		RawHttp.Response metaAnswer = yot.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(meta));
		assertThat(metaAnswer.status()).isEqualTo(404);
		assertThat(metaAnswer.body()).doesNotContain("cp-plan", "social-care");
		// an organisation may not take on another's identifier
		Organization school = client().read().resource(Organization.class).withId(world.schoolA).execute();
		school.addIdentifier().setSystem(uk.childlink.support.Tokens.LA).setValue(world.laNumber);
		assertRefused(http(world.schoolBToken()).send("PUT", "/fhir/" + world.schoolA,
				Map.of("Content-Type", "application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(school)),
				403, "its own Organization only");
	}

	@Test
	void reverseChainsNeedTheScopeAndAreNotForIntegrationClients() {
		String has = "/fhir/Patient?_id=" + world.ada.substring(8) + "&_has:Observation:subject:performer=" + world.council;
		assertRefused(http(world.misToken()).get(has), 403, "_has is not offered to an integration client");
		String patientsOnly = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.SCHOOL,
				world.urnA).agency("education").scope("user/Patient.rs").sign();
		assertRefused(http(patientsOnly).get(has), 403, "search of Observation");
		assertThat(search(world.councilToken(), has).getEntry()).hasSize(1); // allowed with the scopes and relationship
	}

	@Test
	void readScopesDoNotGrantSearch() {
		String readOnly = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.LA, world.laNumber)
				.agency("social-care").scope("user/Patient.r").sign();
		assertThat(http(readOnly).get("/fhir/" + world.ada).status()).isEqualTo(200);
		assertRefused(http(readOnly).get("/fhir/Patient?name=Lovelace"), 403, "search of Patient");
	}

	@Test
	void eachRelationshipOfThePolicyOpensTheRecordOnItsOwn() {
		IGenericClient admin = client();
		String org = create(admin, Records.healthProvider("R" + Records.nextUrn()));
		String ods = ((Organization) admin.read().resource(Organization.class).withId(org).execute())
				.getIdentifierFirstRep().getValue();
		String token = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.ODS, ods)
				.agency("health").scope("user/*.rs").sign();
		String recent = world.monday;
		String longAgo = LocalDate.now().minusYears(3).toString();
		Map<String, org.hl7.fhir.r4.model.Resource> byRule = new java.util.LinkedHashMap<>();
		byRule.put("gp-practice", null);
		byRule.put("recorded-contact", Records.contact(null, new Reference(org), "school-nurse-contact", "health", recent));
		byRule.put("care-team", new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE)
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(org))));
		byRule.put("episode-of-care", new EpisodeOfCare().setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE)
				.setManagingOrganization(new Reference(org)).setPeriod(new Period().setStartElement(new DateTimeType(recent))));
		for (Map.Entry<String, org.hl7.fhir.r4.model.Resource> rule : byRule.entrySet()) {
			Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Rule", rule.getKey(), "2016-06-06");
			if (rule.getValue() == null) {
				child.addGeneralPractitioner(new Reference(org));
			}
			String id = create(admin, child);
			assertThat(http(token).get("/fhir/" + id).status()).as(rule.getKey() + " before").isEqualTo(
					rule.getValue() == null ? 200 : 404);
			if (rule.getValue() != null) {
				org.hl7.fhir.r4.model.Resource record = rule.getValue();
				if (record instanceof Encounter e) {
					e.setSubject(new Reference(id));
				} else if (record instanceof CareTeam t) {
					t.setSubject(new Reference(id));
				} else if (record instanceof EpisodeOfCare e) {
					e.setPatient(new Reference(id));
				}
				create(admin, record);
				assertThat(http(token).get("/fhir/" + id).status()).as(rule.getKey() + " after").isEqualTo(200);
			}
		}
		// a record older than the recent period starts nothing
		String old = create(admin, Fixtures.child(Fixtures.nextNhsNumber(), "Rule", "old-contact", "2016-06-06"));
		Encounter contact = Records.contact(new Reference(old), new Reference(org), "school-nurse-contact", "health", longAgo);
		contact.getPeriod().setEndElement(new DateTimeType(longAgo));
		create(admin, contact);
		assertThat(http(token).get("/fhir/" + old).status()).isEqualTo(404);
	}

	@Test
	void aServiceStartsARelationshipByRecordingItsOwnContact() {
		IGenericClient admin = client();
		String ods = "Y" + Records.nextUrn();
		String yot = create(admin, Records.healthProvider(ods).setName("Another Youth Justice Service"));
		String token = uk.childlink.support.Tokens.token().subject("yot-" + ods)
				.organisation(uk.childlink.support.Tokens.ODS, ods).agency("youth-justice").scope("user/*.cruds").sign();
		assertThat(http(token).get("/fhir/" + world.ben).status()).isEqualTo(404);
		assertThat(post(http(token), Records.contact(new Reference(world.ben), new Reference(yot),
				"youth-justice-appointment", "youth-justice", world.monday)).status()).isEqualTo(201);
		assertThat(http(token).get("/fhir/" + world.ben).status()).isEqualTo(200);
		// and what it did is in Ben's trail, as its own
		List<AuditEvent> trail = events("yot-" + ods);
		assertThat(trail).extracting(e -> e.getAction().toCode()).containsExactly("R", "C", "R");
		assertThat(trail).extracting(e -> e.getOutcome().toCode()).containsExactly("4", "0", "0");
		assertThat(trail).allMatch(e -> e.getEntity().stream().anyMatch(x -> world.ben.equals(x.getWhat().getReference())));
	}

	@Test
	void theLinksThatMakeRelationshipsAreMovedOnlyByThoseTheyName() {
		IGenericClient admin = client();
		String otherLa = Records.nextLaNumber();
		String otherCouncil = create(admin, Records.localAuthority(otherLa));
		Patient kit = Fixtures.child(Fixtures.nextNhsNumber(), "Links", "Kit", "2017-02-02");
		kit.setManagingOrganization(new Reference(world.council)).addGeneralPractitioner(new Reference(world.gp));
		String id = create(admin, kit);
		RawHttp gp = http(world.gpToken());
		// the GP may change the child's details, but not name itself her council, nor add another practice
		Patient stored = admin.read().resource(Patient.class).withId(id).execute();
		stored.getNameFirstRep().addGiven("Kat");
		assertThat(put(gp, id, stored).status()).isEqualTo(200);
		stored = admin.read().resource(Patient.class).withId(id).execute();
		stored.setManagingOrganization(new Reference(world.gp));
		assertRefused(put(gp, id, stored), 403, "responsible authority");
		stored = admin.read().resource(Patient.class).withId(id).execute();
		stored.addGeneralPractitioner(new Reference(world.hospital));
		assertRefused(put(gp, id, stored), 403, "generalPractitioner");
		// her council hands her over to another, which then reads her record; the first no longer does
		stored = admin.read().resource(Patient.class).withId(id).execute();
		stored.setManagingOrganization(new Reference(otherCouncil));
		assertThat(put(http(world.councilToken()), id, stored).status()).isEqualTo(200);
		String other = uk.childlink.support.Tokens.token().organisation(uk.childlink.support.Tokens.LA, otherLa)
				.agency("social-care").scope("user/*.rs").sign();
		assertThat(http(other).get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(http(world.councilToken()).get("/fhir/" + id).status()).isEqualTo(404);
	}

	private static RawHttp.Response put(RawHttp http, String id, Patient patient) {
		return http.send("PUT", "/fhir/" + id, Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(patient));
	}

	@Test
	void breakingTheGlassReadsOutsideARelationshipAndOnlyThen() {
		RawHttp clinician = http(world.clinicianToken());
		assertThat(clinician.get("/fhir/" + world.ada).status()).isEqualTo(404);
		RawHttp.Response glass = clinician.send("GET", "/fhir/" + world.ada + "/$everything",
				Map.of("X-Break-Glass-Reason", "Unconscious in ED, no carer present", "Accept", "application/fhir+json"),
				null);
		assertThat(glass.status()).isEqualTo(200);
		assertThat(glass.body()).contains(world.adaCpPlan.substring(12), "Lovelace");
		// one child, not a search across children
		assertRefused(clinician.send("GET", "/fhir/Observation?code=cp-plan",
				Map.of("X-Break-Glass-Reason", "looking around", "Accept", "application/fhir+json"), null), 403,
				"opens one child's record");
		// and writes stay in the clinician's scopes (read only)
		assertRefused(clinician.send("DELETE", "/fhir/" + world.adaContact,
				Map.of("X-Break-Glass-Reason", "testing"), null), 403, "opens one child's record");
		assertRefused(clinician.send("DELETE", "/fhir/" + world.adaContact, Map.of(), null), 403, "delete of Encounter");
	}

	@Test
	void anIntegrationClientSeesItsOwnRecordsOfItsChildrenOnly() {
		String mis = world.misToken();
		assertThat(http(mis).get("/fhir/" + world.ada).status()).isEqualTo(200);
		assertThat(ids(search(mis, "/fhir/Observation?subject=" + world.ada)))
				.contains(world.adaAttendance).doesNotContain(world.adaCpPlan);
		assertThat(http(mis).get("/fhir/" + world.ben).status()).isEqualTo(404);
		assertThat(http(mis).send("GET", "/fhir/" + world.ada, Map.of("X-Break-Glass-Reason", "x",
				"Accept", "application/fhir+json"), null).status()).isEqualTo(403);
	}

	@Test
	void adminOnlyOperationsAndTheAuditTrailAreProtected() {
		RawHttp council = http(world.councilToken());
		assertRefused(council.send("POST", "/fhir/Patient/$merge", Map.of("Content-Type", "application/fhir+json"),
				"{\"resourceType\":\"Parameters\"}"), 403, "admin");
		String event = "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\","
				+ "\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}}}";
		assertRefused(council.send("POST", "/fhir/AuditEvent", Map.of("Content-Type", "application/fhir+json"), event),
				403, "audit trail");
		assertRefused(http().send("POST", "/fhir/AuditEvent", Map.of("Content-Type", "application/fhir+json"), event),
				403, "audit trail");
	}

	// helpers

	private static String outcome(RawHttp.Response response) {
		assertThat(response.status()).isEqualTo(404);
		return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssueFirstRep()
				.getDiagnostics();
	}

	/** What the trail holds of a caller's accesses (read by an admin), oldest first. */
	private List<AuditEvent> events(String subject) {
		Bundle found = FHIR.newJsonParser().parseResource(Bundle.class,
				http().get("/fhir/AuditEvent?agent-name=" + subject + "&_count=500&_sort=date").body());
		return found.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
	}

	private static String create(IGenericClient admin, org.hl7.fhir.r4.model.Resource resource) {
		return admin.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private boolean isAboutAda(org.hl7.fhir.r4.model.Resource resource) {
		String json = FHIR.newJsonParser().encodeResourceToString(resource);
		return resource.getIdElement().toUnqualifiedVersionless().getValue().equals(world.ada)
				|| json.contains("\"" + world.ada + "\"") || json.contains(world.adaNhs);
	}

	private Bundle search(String token, String path) {
		RawHttp.Response response = http(token).get(path);
		assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}

	private int count(String path) {
		return FHIR.newJsonParser().parseResource(Bundle.class, http().get(path + "&_count=500").body()).getEntry().size();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private static RawHttp.Response post(RawHttp http, org.hl7.fhir.r4.model.Resource resource) {
		return http.send("POST", "/fhir/" + resource.fhirType(), Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(resource));
	}

	static void assertRefused(RawHttp.Response response, int status, String text) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(text);
	}
}
