package uk.childlink.population;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.support.Eventually;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.RawHttp.Response;
import uk.childlink.support.Tokens;

/**
 * FHIR Bulk Data export over HTTP with real tokens: an admin's export, polled and downloaded as NDJSON; its status and
 * files unknown to anyone else (another admin too); recorded in the audit trail the child's council reads; bad input
 * refused at kick-off; a cancelled export's files removed; a council's export of its own children only.
 */
class BulkExportIT extends IntegrationTest {

	private static final Map<String, String> ASYNC = Map.of("Prefer", "respond-async", "Accept", "application/fhir+json");
	private static final ObjectMapper JSON = new ObjectMapper();

	@Autowired
	private DataSource dataSource;
	private JdbcTemplate database;

	@BeforeEach
	void connect() {
		database = new JdbcTemplate(dataSource);
	}

	@Test
	void anAdminExportsAndOnlyTheyMayPollAndDownload() throws Exception {
		Org council = Organisations.council(client());
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Exported", "Ada", "2017-01-01");
		child.setManagingOrganization(council.ref());
		IIdType id = client().create().resource(child).execute().getId().toUnqualifiedVersionless();
		client().create().resource(Fixtures.weight(new Reference(id.getValue()), 20.5)).execute();

		Response kickOff = http().send("GET", "/fhir/$export?_type=Patient,Observation&_typeFilter="
				+ encode("Patient?_id=" + id.getIdPart()) + "&_typeFilter=" + encode("Observation?subject=" + id.getValue()),
				ASYNC, null);
		assertThat(kickOff.status()).as(kickOff.body()).isEqualTo(202);
		String status = path(kickOff.headers().get("content-location"));

		// someone else's export: not known, to a school and to another admin alike
		String otherAdmin = Tokens.token().subject("another-admin").role("admin").scope("user/*.cruds").sign();
		assertThat(http(otherAdmin).get(status).status()).isEqualTo(404);
		assertThat(http(council.token()).get(status).status()).isEqualTo(404);

		Response done = Eventually.poll(() -> http().get(status), r -> r.status() != 202, Duration.ofSeconds(120));
		assertThat(done.status()).as(done.body()).isEqualTo(200);
		JsonNode manifest = JSON.readTree(done.body());
		List<String> lines = new ArrayList<>();
		for (JsonNode file : manifest.get("output")) {
			String url = path(file.get("url").asText());
			String body = http().get(url, "application/fhir+json").body();
			assertThat(body).as("the file carries its owner").contains("https://fhir.childlink.uk/file-owner");
			// and its export as a tag, by which the server finds the files to remove without reading them
			assertThat(FHIR.newJsonParser().parseResource(Binary.class, body).getMeta()
					.getTag("https://fhir.childlink.uk/export-job", jobOf(status)))
					.as("the file carries its export's id").isNotNull();
			assertThat(database.queryForList("SELECT t.tag_code FROM hfj_resource r JOIN hfj_res_tag rt ON rt.res_id = "
					+ "r.res_id JOIN hfj_tag_def t ON t.tag_id = rt.tag_id WHERE r.res_type = 'Binary' AND r.fhir_id = ? "
					+ "AND t.tag_system = 'https://fhir.childlink.uk/export-job'", String.class,
					url.substring(url.lastIndexOf('/') + 1)))
					.as("in the tag table, where the removal of expired files finds it")
					.containsExactly(jobOf(status));
			assertThat(http(otherAdmin).get(url).status()).as("another admin downloads nothing").isEqualTo(404);
			assertThat(http(otherAdmin).get(url + "/_history").body()).as("nor finds it in the file's history")
					.doesNotContain("\"data\"");
			assertThat(http(otherAdmin).get("/fhir/_history?_count=500").body()).as("nor in the server's")
					.doesNotContain(url.substring(url.lastIndexOf('/') + 1));
			assertThat(http(council.token()).get(url).status()).isEqualTo(404);
			Response ndjson = http().get(url, "application/fhir+ndjson");
			assertThat(ndjson.status()).isEqualTo(200);
			ndjson.body().lines().forEach(lines::add);
		}
		assertThat(lines).as("the child and its weight, one resource a line").hasSize(2);
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"resourceType\":\"Patient\"", id.getIdPart()));
		assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"resourceType\":\"Observation\""));

		// the council reads that an export took its child's data
		Response trail = http(council.token()).get("/fhir/AuditEvent?child=" + id.getValue() + "&_count=500");
		assertThat(trail.status()).isEqualTo(200);
		assertThat(FHIR.newJsonParser().parseResource(Bundle.class, trail.body()).getEntry())
				.extracting(e -> FHIR.newJsonParser().encodeResourceToString(e.getResource()))
				.anySatisfy(event -> assertThat(event).contains("$export?_type=Patient,Observation"));
		assertThat(FHIR.newJsonParser().parseResource(Bundle.class, trail.body()).getEntry())
				.as("each event shows this child alone, however many it took")
				.allSatisfy(e -> assertThat(((org.hl7.fhir.r4.model.AuditEvent) e.getResource()).getEntity())
						.filteredOn(entity -> entity.getWhat().getReference() != null
								&& entity.getWhat().getReference().startsWith("Patient/"))
						.extracting(entity -> entity.getWhat().getReference()).containsOnly(id.getValue()));

		// the files go for good once the retention period has passed (20 s in the tests): not even in the history
		for (JsonNode file : manifest.get("output")) {
			String url = path(file.get("url").asText());
			assertThat(Eventually.poll(() -> http().get(url + "/_history").status(), s -> s == 404,
					Duration.ofSeconds(90))).isEqualTo(404);
		}
	}

	@Test
	void aCouncilExportsTheChildrenItIsRelatedToAndNothingElse() throws Exception {
		Org council = Organisations.council(client());
		Org school = Organisations.school(client());
		List<IIdType> mine = new ArrayList<>();
		for (String given : List.of("Bea", "Cai")) {
			Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Exported", given, "2016-03-04");
			child.setManagingOrganization(council.ref());
			IIdType id = client().create().resource(child).execute().getId().toUnqualifiedVersionless();
			client().create().resource(Fixtures.weight(new Reference(id.getValue()), 21.0)).execute();
			mine.add(id);
		}
		// another council's child, at a school: not this council's to export
		IIdType other = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Exported", "Dee",
				"2016-05-06")).execute().getId().toUnqualifiedVersionless();
		client(school.token()).create().resource(uk.childlink.support.Records.attendanceWeek(new Reference(other.getValue()),
				school.ref(), "2025-09-08", "2025-09-12", 10, 0, 0)).execute();

		Response kickOff = http(council.token()).send("GET", "/fhir/Patient/$export", ASYNC, null);
		assertThat(kickOff.status()).as(kickOff.body()).isEqualTo(202);
		String status = path(kickOff.headers().get("content-location"));
		assertThat(http(school.token()).get(status).status()).as("another organisation's export").isEqualTo(404);
		assertThat(http().get(status).status()).as("an admin's too: only who asked").isEqualTo(404);
		Response done = Eventually.poll(() -> http(council.token()).get(status), r -> r.status() != 202,
				Duration.ofSeconds(120));
		assertThat(done.status()).as(done.body()).isEqualTo(200);
		List<String> lines = new ArrayList<>();
		for (JsonNode file : JSON.readTree(done.body()).get("output")) {
			String url = path(file.get("url").asText());
			assertThat(http(school.token()).get(url).status()).isEqualTo(404);
			Response ndjson = http(council.token()).get(url, "application/fhir+ndjson");
			assertThat(ndjson.status()).isEqualTo(200);
			ndjson.body().lines().forEach(lines::add);
		}
		assertThat(lines).filteredOn(line -> line.contains("\"resourceType\":\"Patient\"")).hasSize(2)
				.allSatisfy(line -> assertThat(line).containsAnyOf(mine.get(0).getIdPart(), mine.get(1).getIdPart()));
		assertThat(lines).filteredOn(line -> line.contains("\"resourceType\":\"Observation\"")).hasSize(2);
		assertThat(lines).noneSatisfy(line -> assertThat(line).contains(other.getIdPart()));
		assertThat(lines).as("the server's access grants are not exported")
				.noneSatisfy(line -> assertThat(line).contains("relationship-grant"));

		// a child it is not related to is not known to it; a school with no pupils has nothing to export
		assertThat(http(council.token()).send("GET", "/fhir/" + other.getValue() + "/$export", ASYNC, null).status())
				.isEqualTo(404);
		Org empty = Organisations.school(client());
		Response nothing = http(empty.token()).send("GET", "/fhir/Patient/$export", ASYNC, null);
		assertThat(nothing.status()).isEqualTo(403);
		assertThat(nothing.body()).contains("nothing for it to export");
		// Binary resources are not searched or listed
		assertThat(http(council.token()).get("/fhir/Binary").status()).isEqualTo(403);
	}

	/**
	 * More resources of one type than a page holds (500): HAPI loads an export's resources by _id, up to 800 to a
	 * search, and the server's cap on a synchronous search once failed such an export (found by the benchmark).
	 */
	@Test
	void anExportOfMoreResourcesOfATypeThanAPageHoldsCompletes() throws Exception {
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Exported", "Weighed", "2016-01-01");
		IIdType id = client().create().resource(child).execute().getId().toUnqualifiedVersionless();
		Bundle weights = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 520; i++) {
			weights.addEntry().setResource(Fixtures.weight(new Reference(id.getValue()), 20 + i / 100.0))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}
		client().transaction().withBundle(weights).execute();

		List<String> lines = export(Tokens.admin(), "GET", "/fhir/" + id.getValue() + "/$export?_type=Observation", null);
		assertThat(lines).hasSize(520).allSatisfy(line -> assertThat(line).contains(id.getValue()));
	}

	@Test
	void badInputIsRefusedAtKickOffAndAnExportOfEverythingIsForAnAdmin() {
		Map<String, Integer> refused = Map.of(
				"/fhir/$export?_type=NoSuchType", 400,
				"/fhir/$export?_since=yesterday", 400,
				"/fhir/$export?_outputFormat=text/csv", 400,
				"/fhir/$export?_type=Observation&_typeFilter=" + encode("Observation?no-such-parameter=1"), 400,
				"/fhir/$export?_type=Observation&_typeFilter=" + encode("Patient?_id=1"), 400,
				"/fhir/$export?_typeFilter=" + encode("code=1"), 400);
		refused.forEach((request, expected) -> {
			Response answer = http().send("GET", request, ASYNC, null);
			assertThat(answer.status()).as(request + ": " + answer.body()).isEqualTo(expected);
			assertThat(answer.body()).as(request).contains("OperationOutcome");
		});
		// expunging is on for the export files alone: nobody expunges records (an admin deletes them)
		assertThat(http().send("POST", "/fhir/$expunge", Map.of("Content-Type", "application/fhir+json"),
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"expungeEverything\",\"valueBoolean\":true}]}")
				.status()).isEqualTo(403);
		Org school = Organisations.school(client());
		Response everything = http(school.token()).send("GET", "/fhir/$export", ASYNC, null);
		assertThat(everything.status()).isEqualTo(403);
		assertThat(everything.body()).contains("Patient/$export");
		String noScope = Tokens.token().subject("clerk").organisation(Tokens.SCHOOL, school.identifier())
				.agency("education").scope("user/Observation.rs").sign();
		assertThat(http(noScope).send("GET", "/fhir/Patient/$export", ASYNC, null).status()).isEqualTo(403);
	}

	@Test
	void aCancelledExportLeavesNoFilesBehind() {
		Response kickOff = http().send("GET", "/fhir/$export", ASYNC, null);
		assertThat(kickOff.status()).isEqualTo(202);
		String status = path(kickOff.headers().get("content-location"));
		String job = jobOf(status);

		assertThat(http().send("DELETE", status, Map.of(), null).status()).isEqualTo(202);

		// nothing of the export stays in the database, written before the cancellation or after it
		Integer left = Eventually.poll(() -> database.queryForObject("SELECT count(*) FROM hfj_res_ver v "
				+ "JOIN hfj_resource r ON r.res_id = v.res_id WHERE r.res_type = 'Binary' AND v.res_text_vc LIKE ?",
				Integer.class, "%" + job + "%"), n -> n == 0, Duration.ofSeconds(60));
		assertThat(left).isZero();
		assertThat(http().get(status).status()).as("the cancelled export's status").isNotEqualTo(200);
	}

	/**
	 * The worked example of docs/population.md: SEN provision linked with the child's health contacts, pseudonymised
	 * for each council that takes it. The same child has one pseudonym in every extract of a council, another in the
	 * other council's; nothing that names the child leaves; a caller without the analyst role gets nothing.
	 */
	@Test
	void aPseudonymisedExtractIsKeyedToItsRecipient() throws Exception {
		Org council = Organisations.council(client());
		Org neighbour = Organisations.council(client());
		Org school = Organisations.school(client(), council);
		Org health = Organisations.health(client(), "health-visitor");
		String nhsNumber = Fixtures.nextNhsNumber();
		Patient child = Fixtures.child(nhsNumber, "Pseudonymised", "Robin", "2018-03-14");
		child.setManagingOrganization(council.ref());
		child.getAddressFirstRep().setPostalCode("LS1 4AP");
		IIdType id = client().create().resource(child).execute().getId().toUnqualifiedVersionless();
		Reference ref = new Reference(id.getValue());
		client(school.token()).create().resource(senSupport(ref, school.ref())).execute();
		client(health.token()).create().resource(uk.childlink.support.Records.contact(ref, health.ref(),
				"health-visitor-contact", "health", "2026-10-12T10:00:00Z")).execute();
		// the neighbouring council worked with the child too: it is related, and may take its own extract
		client(neighbour.token()).create().resource(uk.childlink.support.Records.contact(ref, neighbour.ref(),
				"social-work-visit", "social-care", "2026-10-20T10:00:00Z")).execute();

		// docs/population.md's request: the council's children's SEN provision and health contacts
		String request = "/fhir/Patient/$export?_type=Patient,Observation,Encounter&_typeFilter=" + encode(
				"Observation?code=https://fhir.childlink.uk/CodeSystem/observation-code|sen-provision") + "&_typeFilter="
				+ encode("Encounter?agency=health") + "&pseudonymise=true";
		String councilAnalyst = analyst(council);
		List<String> first = export(councilAnalyst, "GET", request, null);
		List<String> again = export(councilAnalyst, "POST", "/fhir/Patient/$export",
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\",\"valueString\":"
						+ "\"Patient,Observation\"},{\"name\":\"pseudonymise\",\"valueBoolean\":true}]}");
		List<String> neighbours = export(analyst(neighbour), "GET", request, null);

		Patient pseudonymised = patient(first);
		String pseudonym = pseudonymised.getIdElement().getIdPart();
		assertThat(pseudonym).matches("[0-9a-f]{32}");
		assertThat(String.join("\n", first)).doesNotContain(id.getIdPart(), nhsNumber, "Robin", "Pseudonymised",
				"2018-03-14", "4AP");
		assertThat(pseudonymised.getBirthDateElement().getValueAsString()).isEqualTo("2018-03");
		assertThat(pseudonymised.getAddressFirstRep().getPostalCode()).isEqualTo("LS1");
		assertThat(pseudonymised.getMeta().getSecurity()).extracting(c -> c.getCode()).contains("PSEUDED");
		// the linked extract: SEN provision and the health contact, each pointing at the child's pseudonym
		assertThat(first).filteredOn(line -> line.contains("\"resourceType\":\"Observation\""))
				.singleElement().satisfies(line -> assertThat(line).contains("sen-provision",
						"\"Patient/" + pseudonym + "\"", school.id()));
		assertThat(first).filteredOn(line -> line.contains("\"resourceType\":\"Encounter\"")).singleElement()
				.as("the health contact; the filter leaves the neighbour's social work visit out")
				.satisfies(line -> assertThat(line).contains("health-visitor-contact", "\"Patient/" + pseudonym + "\"",
						health.id()));

		assertThat(patient(again).getIdElement().getIdPart()).as("stable for one recipient").isEqualTo(pseudonym);
		assertThat(patient(again).getIdentifierFirstRep().getValue())
				.isEqualTo(pseudonymised.getIdentifierFirstRep().getValue());
		Patient theirs = patient(neighbours);
		assertThat(theirs.getIdElement().getIdPart()).as("another recipient's pseudonym").isNotEqualTo(pseudonym);
		assertThat(theirs.getIdentifierFirstRep().getValue())
				.isNotEqualTo(pseudonymised.getIdentifierFirstRep().getValue());
		assertThat(String.join("\n", neighbours)).doesNotContain(pseudonym, nhsNumber);

		// without the role: refused, and the option must be a plain true or false
		Response refused = http(council.token()).send("GET", request, ASYNC, null);
		assertThat(refused.status()).as(refused.body()).isEqualTo(403);
		assertThat(refused.body()).contains("analyst");
		for (String wrong : List.of(request.replace("=true", "=yes"), request.replace("pseudonymise", "pseudonymize"),
				"/fhir/" + id.getValue() + "/$export?pseudonymise=true",
				"/fhir/Patient/$export?pseudonymise=true&_typeFilter=" + encode("Patient?identifier=" + nhsNumber),
				"/fhir/Patient/$export?pseudonymise=true&_type=Observation&_typeFilter="
						+ encode("Observation?subject:Patient.birthdate=2018-03-14"))) {
			Response refusedToo = http(councilAnalyst).send("GET", wrong, ASYNC, null);
			assertThat(refusedToo.status()).as(wrong + ": " + refusedToo.body()).isEqualTo(400);
			assertThat(refusedToo.body()).contains("nothing was exported");
		}
	}

	/** A council's analyst: the analyst role, reading scopes only. */
	private static String analyst(Org council) {
		return Tokens.token().subject("analyst-" + council.identifier()).organisation(Tokens.LA, council.identifier())
				.agency("social-care").scope("user/*.rs").role("analyst").sign();
	}

	private static org.hl7.fhir.r4.model.Observation senSupport(Reference child, Reference school) {
		org.hl7.fhir.r4.model.Observation sen = new org.hl7.fhir.r4.model.Observation();
		sen.setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL);
		sen.addCategory().addCoding().setSystem(uk.childlink.support.Records.BASE + "/CodeSystem/agency")
				.setCode("education");
		sen.getCode().addCoding().setSystem(uk.childlink.support.Records.BASE + "/CodeSystem/observation-code")
				.setCode("sen-provision");
		sen.setSubject(child).addPerformer(school);
		sen.setEffective(new org.hl7.fhir.r4.model.Period().setStartElement(
				new org.hl7.fhir.r4.model.DateTimeType("2025-09-01")));
		sen.setValue(new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding(
				uk.childlink.support.Records.BASE + "/CodeSystem/sen-provision", "K", "SEN support")));
		return sen;
	}

	/** The lines of every file of an export the caller kicks off, waited for. */
	private List<String> export(String token, String method, String request, String body) throws Exception {
		Map<String, String> headers = body == null ? ASYNC
				: Map.of("Prefer", "respond-async", "Accept", "application/fhir+json",
						"Content-Type", "application/fhir+json");
		Response kickOff = http(token).send(method, request, headers, body);
		assertThat(kickOff.status()).as(kickOff.body()).isEqualTo(202);
		String status = path(kickOff.headers().get("content-location"));
		Response done = Eventually.poll(() -> http(token).get(status), r -> r.status() != 202, Duration.ofSeconds(120));
		assertThat(done.status()).as(done.body()).isEqualTo(200);
		List<String> lines = new ArrayList<>();
		for (JsonNode file : JSON.readTree(done.body()).get("output")) {
			Response ndjson = http(token).get(path(file.get("url").asText()), "application/fhir+ndjson");
			assertThat(ndjson.status()).isEqualTo(200);
			ndjson.body().lines().forEach(lines::add);
		}
		return lines;
	}

	private static Patient patient(List<String> lines) {
		return lines.stream().filter(line -> line.contains("\"resourceType\":\"Patient\""))
				.map(line -> FHIR.newJsonParser().parseResource(Patient.class, line)).findFirst().orElseThrow();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/** The path of one of the server's URLs, for the raw client. */
	private static String path(String url) {
		return url.substring(url.indexOf("/fhir/"));
	}

	/** The export's job id, from its status URL ({@code ...$export-poll-status?_jobId=...}). */
	private static String jobOf(String status) {
		return status.substring(status.indexOf("_jobId=") + "_jobId=".length());
	}
}
