package uk.childlink.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.Fixtures;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;
import uk.childlink.support.ServerProcess;
import uk.childlink.support.SharedServerProcess;

/**
 * Generated hostile and odd input, sent to every way into the server: mutations ({@link Mutations}) of a valid
 * resource of every kind ChildLink profiles (and of a UK Core Patient as NHS systems write it) through plain REST,
 * conditional create, transactions, batches, {@code $validate}, {@code $match} and {@code $merge}; odd values as
 * search parameters (with modifiers, chains, {@code _has}) and operation parameters; mutated CTF files and register
 * marks through {@code $import-ctf} and {@code $import-attendance}. Every answer must be a 4xx with an OperationOutcome
 * saying what is wrong, or a success; never a 5xx; and a refused transaction must leave nothing behind.
 *
 * <p>The cases come from one seed: {@code -Dhostile.seed=N} reruns a run (the seed is printed, and named in every
 * failure), {@code -Dhostile.seed=random} draws a new one, {@code -Dhostile.cases=N} sets how many (3,000 by default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedServerProcess.class)
class HostileInputIT {

	/** The seed CI runs with, so that CI is repeatable. */
	private static final long CI_SEED = 20261202L;

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final IParser FHIR_JSON = FHIR.newJsonParser();
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String MARKER_SYSTEM = "http://example.org/hostile-case";

	private static final List<String> SEARCHED = List.of("Patient", "Observation", "Encounter", "Organization", "Flag",
			"AuditEvent", "CareTeam", "EpisodeOfCare", "StructureDefinition", "CodeSystem", "ValueSet");

	private ServerProcess server;
	private RawHttp admin;
	private long seed;
	private int cases;
	/** Valid resources (JSON) to mutate, by name. */
	private final Map<String, String> bases = new TreeMap<>();
	private String ctf;
	private String marks;

	private final List<String> failures = new ArrayList<>();
	private final Map<String, Integer> statuses = new TreeMap<>();
	private final Map<String, Integer> kinds = new TreeMap<>();

	@BeforeAll
	void setUp(ServerProcess server) throws IOException {
		this.server = server;
		admin = server.http();
		String wanted = System.getProperty("hostile.seed", "");
		seed = wanted.isBlank() ? CI_SEED : wanted.equals("random") ? new Random().nextLong() : Long.parseLong(wanted);
		cases = Integer.parseInt(System.getProperty("hostile.cases", "3000"));
		System.out.printf("HostileInputIT: seed %d, %d cases (rerun with -Dhostile.seed=%d)%n", seed, cases, seed);

		List<Resource> valid = new ArrayList<>(List.of(new PathMatchingResourcePatternResolver()
				.getResources("classpath*:fhir-profiles/**/examples/valid/*.json")));
		// what others refer to first: organisations, children, then their records
		valid.sort(Comparator.comparing((Resource r) -> !r.getFilename().startsWith("Organization"))
				.thenComparing(r -> !r.getFilename().startsWith("Patient")).thenComparing(Resource::getFilename));
		for (Resource file : valid) {
			String json = read(file.getInputStream());
			JsonNode node = JSON.readTree(json);
			String url = "/fhir/" + node.get("resourceType").asText() + "/" + node.get("id").asText();
			RawHttp.Response stored = admin.send("PUT", url, Map.of("Content-Type", "application/fhir+json"), json);
			assertThat(stored.status()).as("%s: %s", url, stored.body()).isIn(200, 201);
			bases.put(file.getFilename(), json);
		}
		bases.put("UK Core Patient", read(getClass().getResourceAsStream("/ukcore/Patient-ukcore-child.json")));
		bases.put("$match Parameters", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\","
				+ "\"resource\":" + bases.get("Patient-example-child.json") + "},{\"name\":\"count\",\"valueInteger\":3}]}");
		bases.put("$merge Parameters", "{\"resourceType\":\"Parameters\",\"parameter\":["
				+ "{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/example-child-from-ctf\"}},"
				+ "{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/example-child\"}},"
				+ "{\"name\":\"preview\",\"valueBoolean\":true},"
				+ "{\"name\":\"result-patient\",\"resource\":" + bases.get("Patient-example-child.json") + "}]}");
		ctf = onePupil(read(getClass().getResourceAsStream("/ctf/larkspur-lane-2025-07.xml")));
		marks = read(getClass().getResourceAsStream("/marks/larkspur-lane-2025-03-24.csv")).lines().limit(25)
				.collect(Collectors.joining("\n", "", "\n"));
	}

	@Test
	void noCaseIsAnswered5xxNorLeavesAHalfWrittenTransactionNorAnErrorInTheLog() throws IOException {
		for (int i = 0; i < cases; i++) {
			Random random = new Random(seed * 1_000_003L + i);
			int kind = random.nextInt(100);
			if (kind < 60) {
				resourceCase(i, random);
			} else if (kind < 85) {
				searchCase(i, random);
			} else if (kind < 93) {
				operationCase(i, random);
			} else if (kind < 97) {
				marksCase(i, random);
			} else {
				ctfCase(i, random);
			}
		}
		System.out.printf("HostileInputIT: seed %d, %d cases by kind %s, answers by status %s%n", seed, cases, kinds,
				statuses);
		assertThat(failures).as("failures of seed %d (rerun with -Dhostile.seed=%d)", seed, seed).isEmpty();
		assertThat(statuses.keySet()).as("both refusals and successes").anyMatch(s -> s.startsWith("4"))
				.anyMatch(s -> s.startsWith("2"));
		assertThat(server.log().lines().filter(line -> line.contains(" ERROR ")).toList())
				.as("the server's log: a client's mistake is not a server fault").isEmpty();
	}

	// --- resources through every write path

	private void resourceCase(int i, Random random) {
		List<String> names = new ArrayList<>(bases.keySet());
		String name = names.get(random.nextInt(names.size()));
		boolean parameters = name.startsWith("$");
		String base = parameters ? bases.get(name) : fresh(bases.get(name), "h" + i);
		Mutations.Mutated mutated = Mutations.mutate(base, random);
		String type = typeOf(base);
		String what = "case " + i + " (" + name + ", " + mutated.description() + ")";
		Map<String, String> fhirJson = Map.of("Content-Type", "application/fhir+json");
		if (name.equals("$match Parameters")) {
			check(what + " to Patient/$match", "match", admin.send("POST", "/fhir/Patient/$match", fhirJson, mutated.json()));
			return;
		}
		if (name.equals("$merge Parameters")) {
			check(what + " to Patient/$merge", "merge", admin.send("POST", "/fhir/Patient/$merge", fhirJson, mutated.json()));
			return;
		}
		switch (random.nextInt(7)) {
			case 0 -> check(what + " POSTed", "create", admin.send("POST", "/fhir/" + type, fhirJson, mutated.json()));
			case 1 -> check(what + " PUT", "update",
					admin.send("PUT", "/fhir/" + type + "/h" + seedTag() + "-" + i, fhirJson, mutated.json()));
			case 2 -> check(what + " with If-None-Exist", "conditional create", admin.send("POST", "/fhir/" + type,
					Map.of("Content-Type", "application/fhir+json", "If-None-Exist",
							"identifier=" + OddValues.any(random, OddValues.QUERY_VALUES)), mutated.json()));
			case 3 -> transaction(what, i, type, mutated.json());
			case 4 -> batch(what, type, mutated.json());
			case 5 -> check(what + " to $validate", "validate",
					admin.send("POST", "/fhir/" + type + "/$validate", fhirJson, mutated.json()));
			default -> check(what + " to $validate as a Parameters", "validate",
					admin.send("POST", "/fhir/" + type + "/$validate", fhirJson,
							"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":"
									+ mutated.json() + "},{\"name\":\"mode\",\"valueCode\":\""
									+ (random.nextBoolean() ? "create" : "update") + "\"}]}"));
		}
	}

	/**
	 * The mutated resource in a transaction beside a valid Organization that marks the case: refused, the marker
	 * must not have been written; accepted, it must have been.
	 */
	private void transaction(String what, int i, String type, String resource) {
		String marker = "case-" + seedTag() + "-" + i;
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:" + java.util.UUID.randomUUID() + "\",\"resource\":{\"resourceType\":\"Organization\","
				+ "\"identifier\":[{\"system\":\"" + MARKER_SYSTEM + "\",\"value\":\"" + marker + "\"}],\"name\":\"Marker\"},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Organization\"}},"
				+ "{\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}]}";
		RawHttp.Response response = admin.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"), bundle);
		check(what + " in a transaction", "transaction", response);
		if (response.status() >= 500) {
			return;
		}
		RawHttp.Response found = admin.get("/fhir/Organization?identifier=" + MARKER_SYSTEM + "|" + marker + "&_total=accurate");
		int written = FHIR_JSON.parseResource(Bundle.class, found.body()).getTotal();
		int expected = response.status() < 300 ? 1 : 0;
		if (written != expected) {
			failures.add(what + " in a transaction: answered " + response.status() + " but " + written
					+ " of its other entries were written");
		}
	}

	private void batch(String what, String type, String resource) {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":" + resource
				+ ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}]}";
		RawHttp.Response response = admin.send("POST", "/fhir", Map.of("Content-Type", "application/fhir+json"), bundle);
		check(what + " in a batch", "batch", response);
		if (response.status() == 200) {
			Bundle answer = FHIR_JSON.parseResource(Bundle.class, response.body());
			for (Bundle.BundleEntryComponent entry : answer.getEntry()) {
				String status = entry.getResponse().getStatus();
				if (status == null || status.startsWith("5")) {
					failures.add(what + " in a batch: entry answered " + status + " "
							+ (entry.getResponse().getOutcome() == null ? ""
									: FHIR_JSON.encodeResourceToString(entry.getResponse().getOutcome())));
				}
			}
		}
	}

	// --- odd values as search parameters

	private void searchCase(int i, Random random) {
		String type = SEARCHED.get(random.nextInt(SEARCHED.size()));
		List<String> names = new ArrayList<>(FHIR.getResourceDefinition(type).getSearchParams().stream()
				.map(RuntimeSearchParam::getName).toList());
		names.addAll(List.of("_id", "_lastUpdated", "_tag", "_profile", "_security", "_sort", "_count", "_include",
				"_revinclude", "_elements", "_summary", "_total", "_content", "_text", "_list", "_filter", "_has",
				"_offset", "_format", "_pretty", "nhs-number", "current-upn", "child", "agency", "subject.name",
				"subject:Patient.birthdate", "patient.identifier", "performer:Organization.identifier"));
		names.sort(null);
		StringBuilder query = new StringBuilder();
		int parameters = 1 + random.nextInt(3);
		for (int p = 0; p < parameters; p++) {
			String name = names.get(random.nextInt(names.size()));
			if (name.equals("_has")) {
				name = "_has:" + OddValues.any(random, List.of("Observation:subject:code", "Flag:subject:status",
						"Nope:subject:code", "Observation::code", "Observation:subject", "Observation:subject:_has:x"));
			}
			String modifier = OddValues.any(random, OddValues.MODIFIERS);
			String value = OddValues.any(random, OddValues.QUERY_VALUES);
			query.append(p == 0 ? "?" : "&").append(name).append(modifier).append('=')
					.append(random.nextInt(4) == 0 ? encode(value) : value);
		}
		String url = "/fhir/" + type + query;
		if (random.nextInt(5) == 0) {
			check("case " + i + " POST " + type + "/_search with " + Mutations.printable(query.toString()), "search",
					admin.send("POST", "/fhir/" + type + "/_search",
							Map.of("Content-Type", "application/x-www-form-urlencoded"), query.substring(1)));
		} else {
			check("case " + i + " GET " + Mutations.printable(url), "search", admin.get(url));
		}
	}

	// --- odd values as operation parameters and ids

	private void operationCase(int i, Random random) {
		String v = OddValues.any(random, OddValues.QUERY_VALUES);
		String w = OddValues.any(random, OddValues.QUERY_VALUES);
		String url = switch (random.nextInt(12)) {
			case 0 -> "/fhir/Patient/example-child/$attendance?start=" + v + "&end=" + w;
			case 1 -> "/fhir/Patient/" + v + "/$attendance?start=2026-09-01&end=2026-12-18";
			case 2 -> "/fhir/Patient/example-child/$everything?_since=" + v + "&_count=" + w;
			case 3 -> "/fhir/Patient/example-child/$everything?_type=" + v + "&_elements=" + w;
			case 4 -> "/fhir/ValueSet/$expand?url=" + v + "&filter=" + w;
			case 5 -> "/fhir/CodeSystem/$lookup?system=" + v + "&code=" + w;
			case 6 -> "/fhir/ValueSet/$validate-code?url=" + v + "&code=" + w + "&system=" + v;
			case 7 -> "/fhir/ConceptMap/$translate?url=" + v + "&code=" + w + "&system=" + v;
			case 8 -> "/fhir/Patient/" + v;
			case 9 -> "/fhir/Patient/example-child/_history/" + v;
			case 10 -> "/fhir/" + v + "?_count=" + w;
			default -> "/fhir/Observation/_history?_since=" + v + "&_at=" + w + "&_count=" + w;
		};
		check("case " + i + " GET " + Mutations.printable(url), "operation", admin.get(url));
	}

	// --- the school MIS imports

	private void marksCase(int i, Random random) {
		List<String> lines = new ArrayList<>(marks.lines().toList());
		String description;
		switch (random.nextInt(8)) {
			case 0 -> {
				int line = 1 + random.nextInt(lines.size() - 1);
				String[] cells = lines.get(line).split(",", -1);
				int cell = random.nextInt(cells.length);
				cells[cell] = OddValues.any(random, random.nextBoolean() ? OddValues.STRINGS : OddValues.DATES);
				lines.set(line, String.join(",", cells));
				description = "line " + line + " cell " + cell + " = " + Mutations.printable(cells[cell]);
			}
			case 1 -> {
				lines.set(0, lines.get(0).replace("upn", "pupil"));
				description = "an unknown header";
			}
			case 2 -> {
				lines.replaceAll(l -> l.substring(0, Math.max(0, l.lastIndexOf(','))));
				description = "the last column missing";
			}
			case 3 -> {
				lines.replaceAll(l -> l + ",extra,\"quoted, value\"");
				description = "extra columns";
			}
			case 4 -> {
				lines = List.of(lines.get(0));
				description = "the header alone";
			}
			case 5 -> {
				lines = List.of("\ufeff" + String.join("\r\n", lines));
				description = "a byte-order mark and CRLF";
			}
			case 6 -> {
				lines.add(lines.get(1).replace(",AM,", ",AM," + "x".repeat(20_000)));
				description = "a huge cell";
			}
			default -> {
				lines = List.of("\u0000\u0001\u0002 binary \u00ff");
				description = "not a CSV";
			}
		}
		String body = String.join("\n", lines) + "\n";
		check("case " + i + " $import-attendance with " + description, "import-attendance",
				admin.send("POST", "/fhir/$import-attendance", Map.of("Content-Type", "text/csv",
						"Accept", "application/fhir+json"), body));
	}

	private void ctfCase(int i, Random random) {
		String xml = ctf;
		String description;
		List<int[]> texts = new ArrayList<>();
		java.util.regex.Matcher m = java.util.regex.Pattern.compile(">([^<>]+)</").matcher(xml);
		while (m.find()) {
			texts.add(new int[] {m.start(1), m.end(1)});
		}
		switch (random.nextInt(6)) {
			case 0, 1 -> {
				int[] at = texts.get(random.nextInt(texts.size()));
				String value = OddValues.any(random, List.of(OddValues.STRINGS, OddValues.DATES, OddValues.CODES,
						OddValues.NUMBERS).get(random.nextInt(4)));
				String escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace("\u0000", "&#0;");
				description = "the text " + Mutations.printable(xml.substring(at[0], at[1])) + " as "
						+ Mutations.printable(value);
				xml = xml.substring(0, at[0]) + escaped + xml.substring(at[1]);
			}
			case 2 -> {
				int[] at = texts.get(random.nextInt(texts.size()));
				int open = xml.lastIndexOf('<', at[0]);
				int close = xml.indexOf('>', at[1] + 2);
				description = "the element " + xml.substring(open, at[0]) + " removed";
				xml = xml.substring(0, open) + xml.substring(close + 1);
			}
			case 3 -> {
				int cut = random.nextInt(xml.length());
				description = "cut short at " + cut;
				xml = xml.substring(0, cut);
			}
			case 4 -> {
				description = "an unknown element";
				xml = xml.replace("<Pupil>", "<Pupil><Unexpected>x</Unexpected>");
			}
			default -> {
				description = "the pupil repeated 3 times";
				int start = xml.indexOf("<Pupil>");
				int end = xml.indexOf("</Pupil>") + "</Pupil>".length();
				String pupil = xml.substring(start, end);
				xml = xml.substring(0, end) + pupil + pupil + xml.substring(end);
			}
		}
		check("case " + i + " $import-ctf with " + description, "import-ctf", admin.send("POST", "/fhir/$import-ctf",
				Map.of("Content-Type", "application/xml", "Accept", "application/fhir+json"), xml));
	}

	// --- checks

	/** Not a 5xx; a refusal is an OperationOutcome with an error that says something. */
	private void check(String what, String kind, RawHttp.Response response) {
		kinds.merge(kind, 1, Integer::sum);
		statuses.merge(Integer.toString(response.status()), 1, Integer::sum);
		if (response.status() >= 500 || response.status() < 200) {
			failures.add(what + ": " + response.status() + " " + shorten(response.body()));
			return;
		}
		if (response.status() >= 400 && !explains(response.body())) {
			failures.add(what + ": " + response.status() + " without an OperationOutcome saying why: "
					+ shorten(response.body()));
		}
	}

	/** An OperationOutcome with an issue that says something (for $merge, inside its Parameters, as FHIR defines). */
	private static boolean explains(String body) {
		try {
			IBaseResource answer = FHIR_JSON.parseResource(body);
			if (answer instanceof Parameters parameters && parameters.getParameter("outcome") != null) {
				answer = parameters.getParameter("outcome").getResource();
			}
			return answer instanceof OperationOutcome outcome && outcome.getIssue().stream().anyMatch(issue ->
					issue.getDiagnostics() != null && !issue.getDiagnostics().isBlank() && issue.getSeverity() != null);
		} catch (RuntimeException notFhir) {
			return false;
		}
	}

	// --- helpers

	/** The base with new identifiers (a child, a school, a council each get unused ones) and no id. */
	private String fresh(String json, String id) {
		try {
			ObjectNode root = (ObjectNode) JSON.readTree(json);
			root.remove("id");
			for (JsonNode identifier : root.path("identifier")) {
				if (!(identifier instanceof ObjectNode o) || !o.has("value")) {
					continue;
				}
				String system = o.path("system").asText();
				String value = switch (system) {
					case Fixtures.NHS_NUMBER_SYSTEM -> Fixtures.nextNhsNumber();
					case "https://fhir.childlink.uk/Id/upn" -> TestIdentifiers.nextPermanentUpn();
					case Records.URN -> Records.nextUrn();
					case Records.LA_NUMBER -> Records.nextLaNumber();
					case "https://fhir.nhs.uk/Id/ods-organization-code" -> "H" + Records.nextUrn();
					default -> o.get("value").asText() + "-" + id;
				};
				o.put("value", value);
			}
			return JSON.writeValueAsString(root).replace("{nhs}", Fixtures.nextNhsNumber()).replace("{ods}", "A" + Records.nextUrn());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static String typeOf(String json) {
		try {
			return JSON.readTree(json).path("resourceType").asText("Basic");
		} catch (IOException e) {
			return "Basic";
		}
	}

	/** The CTF fixture with its first pupil only (so that a case costs one pupil's import). */
	private static String onePupil(String xml) {
		int first = xml.indexOf("</Pupil>") + "</Pupil>".length();
		int end = xml.indexOf("</CTFpupilData>");
		return xml.substring(0, first) + xml.substring(end);
	}

	private String seedTag() {
		return Long.toHexString(seed);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String read(InputStream in) throws IOException {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static String shorten(String body) {
		return body.length() > 600 ? body.substring(0, 600) + "..." : body;
	}
}
