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
			assertThat(http().get(url, "application/fhir+json").body()).as("the file carries its owner")
					.contains("https://fhir.childlink.uk/file-owner");
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
		String job = status.substring(status.indexOf("_jobId=") + "_jobId=".length());

		assertThat(http().send("DELETE", status, Map.of(), null).status()).isEqualTo(202);

		// nothing of the export stays in the database, written before the cancellation or after it
		Integer left = Eventually.poll(() -> database.queryForObject("SELECT count(*) FROM hfj_res_ver v "
				+ "JOIN hfj_resource r ON r.res_id = v.res_id WHERE r.res_type = 'Binary' AND v.res_text_vc LIKE ?",
				Integer.class, "%" + job + "%"), n -> n == 0, Duration.ofSeconds(60));
		assertThat(left).isZero();
		assertThat(http().get(status).status()).as("the cancelled export's status").isNotEqualTo(200);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/** The path of one of the server's URLs, for the raw client. */
	private static String path(String url) {
		return url.substring(url.indexOf("/fhir/"));
	}
}
