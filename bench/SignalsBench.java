import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signals' probe (bench/signals.sh): a GP practice subscribes to child-protection-plan-1 with a receiver in this
 * JVM; then COUNT children each get a new plan, one every SPACING_MS, and the time from the plan's write (its 201)
 * to its notification at the receiver is measured. Prints metrics lines (signals.PREFIX.*).
 *
 *   java -cp CLASSES SignalsBench BASE ADMIN_TOKEN GP_TOKEN ODS LA_NUMBER COUNT SPACING_MS PREFIX [write-only]
 *
 * With {@code write-only}, the same writes without waiting for notifications (a server that only records signals).
 */
public class SignalsBench {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final Pattern CHILD = Pattern.compile("\"additional-context\",\"valueReference\":\\{\"reference\":\"(Patient/[^\"]+)\"");
	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	public static void main(String[] args) throws Exception {
		String base = args[0], admin = args[1], gpToken = args[2], ods = args[3], la = args[4];
		int count = Integer.parseInt(args[5]);
		long spacing = Long.parseLong(args[6]);
		String prefix = args[7];
		boolean writeOnly = args.length > 8 && args[8].equals("write-only");

		Map<String, Long> arrived = new ConcurrentHashMap<>();
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", exchange -> {
			long now = System.nanoTime();
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			Matcher m = CHILD.matcher(body);
			if (m.find()) {
				arrived.putIfAbsent(m.group(1), now);
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		receiver.start();

		String gp = "Organization/" + id(post(base + "/Organization", admin, """
				{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"%s"}],"name":"Probe practice"}"""
				.formatted(ods)));
		String council = "Organization/" + id(post(base + "/Organization", admin, """
				{"resourceType":"Organization","identifier":[{"system":"https://fhir.childlink.uk/Id/la-number","value":"%s"}],
				 "type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"govt"}]}],"name":"Probe council"}"""
				.formatted(la)));
		post(base + "/Subscription", gpToken, """
				{"resourceType":"Subscription","status":"requested","reason":"benchmark",
				 "criteria":"https://fhir.childlink.uk/SubscriptionTopic/child-protection-plan-1",
				 "channel":{"type":"rest-hook","endpoint":"http://127.0.0.1:%d/hook","payload":"application/fhir+json"}}"""
				.formatted(receiver.getAddress().getPort()));

		Map<String, Long> written = new ConcurrentHashMap<>();
		String yesterday = LocalDate.now().minusDays(1).toString();
		for (int i = 0; i < count; i++) {
			String nhs = nhsNumber(prefix.hashCode() & 0xffff, i);
			String child = "Patient/" + id(post(base + "/Patient", admin, """
					{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}],
					 "name":[{"family":"Probe","given":["Child"]}],"gender":"female","birthDate":"2016-05-05",
					 "managingOrganization":{"reference":"%s"},"generalPractitioner":[{"reference":"%s"}]}"""
					.formatted(nhs, council, gp)));
			post(base + "/Observation", admin, """
					{"resourceType":"Observation","status":"final",
					 "category":[{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/agency","code":"social-care"}]}],
					 "code":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/observation-code","code":"cp-plan"}]},
					 "subject":{"reference":"%s"},"effectivePeriod":{"start":"%s"},"performer":[{"reference":"%s"}],
					 "valueCodeableConcept":{"coding":[{"system":"https://fhir.childlink.uk/CodeSystem/cp-category","code":"NEG"}]}}"""
					.formatted(child, yesterday, council));
			written.put(child, System.nanoTime());
			Thread.sleep(spacing);
		}
		long deadline = System.nanoTime() + (writeOnly ? 0 : 120_000_000_000L);
		while (arrived.keySet().containsAll(written.keySet()) == false && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		receiver.stop(0);
		long[] ms = written.entrySet().stream().filter(e -> arrived.containsKey(e.getKey()))
				.mapToLong(e -> (arrived.get(e.getKey()) - e.getValue()) / 1_000_000).sorted().toArray();
		System.out.println("signals." + prefix + ".written=" + written.size());
		System.out.println("signals." + prefix + ".delivered=" + ms.length);
		System.out.println("signals." + prefix + ".p50_ms=" + percentile(ms, 50));
		System.out.println("signals." + prefix + ".p95_ms=" + percentile(ms, 95));
		System.out.println("signals." + prefix + ".max_ms=" + (ms.length == 0 ? 0 : ms[ms.length - 1]));
	}

	private static long percentile(long[] sorted, int p) {
		return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
	}

	private static String post(String url, String token, String body) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 201) {
			throw new IllegalStateException(url + ": " + response.statusCode() + " " + response.body());
		}
		return response.body();
	}

	private static String id(String body) {
		Matcher m = ID.matcher(body);
		if (!m.find()) {
			throw new IllegalStateException("no id in " + body);
		}
		return m.group(1);
	}

	/** A 999-range NHS number with a valid check digit, distinct per (run, index). */
	private static String nhsNumber(int run, int index) {
		for (int n = 0; ; n++) {
			String nine = "999" + String.format("%06d", (run * 7919L + index * 13L + n) % 1_000_000);
			int sum = 0;
			for (int i = 0; i < 9; i++) {
				sum += (nine.charAt(i) - '0') * (10 - i);
			}
			int check = 11 - sum % 11;
			if (check == 11) {
				check = 0;
			}
			if (check != 10) {
				return nine + check;
			}
		}
	}
}
