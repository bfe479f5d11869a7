import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of bench/security.sh (plain JDK, run as {@code java bench/SecurityCost.java ...}).
 *
 * <pre>
 * load BASE TOKEN URN CHILDREN WEEKS IDS_FILE   registers a school and CHILDREN children, each with WEEKS weeks of
 *                                               attendance recorded by the school; writes the children's ids
 * measure BASE TOKEN|- IDS_FILE ROUNDS          per round, one child at random: a read of the child and a search of
 *                                               the child's attendance; prints latencies (first sight of each child
 *                                               separately: the relationship is then looked up, not remembered)
 * </pre>
 */
public class SecurityCost {

	static final HttpClient HTTP = HttpClient.newHttpClient();
	static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	public static void main(String[] args) throws Exception {
		if (args[0].equals("load")) {
			load(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]), Path.of(args[6]));
		} else {
			measure(args[1], args[2].equals("-") ? null : args[2], Path.of(args[3]), Integer.parseInt(args[4]));
		}
	}

	static void load(String base, String token, String urn, int children, int weeks, Path ids) throws Exception {
		String school = "Organization/" + id(send(base + "/Organization", token, """
				{"resourceType":"Organization","identifier":[{"system":"https://fhir.hl7.org.uk/Id/urn-school-number","value":"%s"}],
				 "type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"edu"}]}],"name":"Bench School"}"""
				.formatted(urn)));
		List<String> out = new ArrayList<>();
		for (int c = 0; c < children; c++) {
			String child = "Patient/" + id(send(base + "/Patient", token, """
					{"resourceType":"Patient","name":[{"family":"Bench","given":["Child%d"]}],"gender":"female","birthDate":"2015-01-01"}"""
					.formatted(c)));
			StringBuilder tx = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
			for (int w = 0; w < weeks; w++) {
				java.time.LocalDate monday = java.time.LocalDate.now().minusWeeks(w + 1)
						.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
				tx.append(w == 0 ? "" : ",").append("""
						{"resource":{"resourceType":"Observation","status":"final",
						 "category":[{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/agency","code":"education"}]}],
						 "code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/observation-code","code":"attendance-summary"}]},
						 "subject":{"reference":"%s"},"effectivePeriod":{"start":"%s","end":"%s"},"performer":[{"reference":"%s"}],
						 "valueQuantity":{"value":100.0,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"},"component":[
						 {"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/observation-code","code":"possible-sessions"}]},"valueInteger":10},
						 {"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"present"}]},"valueInteger":10},
						 {"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"approved-educational-activity"}]},"valueInteger":0},
						 {"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"authorised"}]},"valueInteger":0},
						 {"code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/attendance-category","code":"unauthorised"}]},"valueInteger":0}]},
						 "request":{"method":"POST","url":"Observation"}}"""
						.formatted(child, monday, monday.plusDays(4), school));
			}
			send(base, token, tx.append("]}").toString());
			out.add(child);
		}
		Files.write(ids, out);
	}

	static void measure(String base, String token, Path idsFile, int rounds) throws Exception {
		List<String> ids = Files.readAllLines(idsFile);
		Random random = new Random(42);
		List<Double> firstRead = new ArrayList<>();
		List<Double> firstSearch = new ArrayList<>();
		List<Double> read = new ArrayList<>();
		List<Double> search = new ArrayList<>();
		int warm = Math.max(1, ids.size() / 5); // warm-up (the JIT, the caches) on a fifth of the children
		for (int i = 0; i < 200; i++) {
			String child = ids.get(i % warm);
			time(base + "/" + child, token);
			time(base + "/Observation?subject=" + child + "&_count=50", token);
		}
		for (String child : ids.subList(warm, ids.size())) { // first sight of each other child
			firstRead.add(time(base + "/" + child, token));
			firstSearch.add(time(base + "/Observation?subject=" + child + "&_count=50", token));
		}
		for (int i = 0; i < rounds; i++) {
			String child = ids.get(random.nextInt(ids.size()));
			read.add(time(base + "/" + child, token));
			search.add(time(base + "/Observation?subject=" + child + "&_count=50", token));
		}
		print("read (first sight of each child)", firstRead);
		print("search (first sight of each child)", firstSearch);
		print("read", read);
		print("search", search);
	}

	static double time(String url, String token) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		long t0 = System.nanoTime();
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		double ms = (System.nanoTime() - t0) / 1e6;
		if (response.statusCode() != 200 || !response.body().contains("Bench")
				&& !response.body().contains("attendance-summary")) {
			throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
		}
		return ms;
	}

	static void print(String label, List<Double> ms) {
		double[] a = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		System.out.printf("  %-36s n=%5d   p50 %6.1f ms   p95 %6.1f ms   p99 %6.1f ms%n", label, a.length, pct(a, 50),
				pct(a, 95), pct(a, 99));
	}

	static double pct(double[] sorted, int p) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
	}

	static String send(String url, String token, String body) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token)
				.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	static String id(String body) {
		Matcher m = ID.matcher(body);
		if (!m.find()) {
			throw new IllegalStateException("no id in " + body);
		}
		return m.group(1);
	}
}
