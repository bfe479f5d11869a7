package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
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
				"/fhir/" + world.ada + "/$everything",
				"/fhir/" + world.ada + "/_history",
				"/fhir/Observation/_history?_count=500",
				"/fhir/Encounter?service-provider=" + world.gp)) {
			Bundle found = search(yot, query);
			assertThat(found.getEntry()).as(query).noneMatch(e -> e.hasResource() && isAboutAda(e.getResource()));
		}
		// an organisation is public; the child records that point at it are not
		Bundle org = search(yot, "/fhir/Organization?_id=" + world.schoolA.substring(13) + "&_revinclude=Observation:performer");
		assertThat(ids(org)).containsExactly(world.schoolA);
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
		assertRefused(http(world.yotToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body), 403, "no recorded relationship");
		assertRefused(http(world.schoolAToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body), 403, "user/Patient.u");
		assertThat(http(world.schoolBToken()).send("PUT", "/fhir/" + world.ben,
				Map.of("Content-Type", "application/fhir+json"), body).status()).isEqualTo(200);
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
		// and writes stay in the clinician's scopes (read only)
		assertRefused(clinician.send("DELETE", "/fhir/" + world.adaContact,
				Map.of("X-Break-Glass-Reason", "testing"), null), 403, "delete of Encounter");
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
