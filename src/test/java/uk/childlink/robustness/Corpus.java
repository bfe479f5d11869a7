package uk.childlink.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The FHIR R4 example corpus of {@code com.ibm.fhir:fhir-examples:4.11.1} (a test dependency): the JSON examples of
 * the R4 specification, IBM's generated ones (complete with values, complete with data-absent reasons only, minimal),
 * bulk-data and profile examples, each with the verdict IBM's own parser and validator gave it ({@code OK},
 * {@code PARSE}: does not parse, {@code VALIDATION}: parses but is invalid).
 */
public final class Corpus {

	/** One example file: its path in the corpus, IBM's verdict, and its bytes. */
	public record Example(String path, String verdict, String resourceType, String id, String bundleType, byte[] json) {

		public boolean markedInvalid() {
			return verdict.equals("PARSE") || verdict.equals("VALIDATION");
		}
	}

	/** Types others refer to go first, so that references between examples resolve where they can. */
	private static final List<String> FIRST = List.of("CodeSystem", "ValueSet", "StructureDefinition", "Organization",
			"Location", "Practitioner", "PractitionerRole", "Patient", "RelatedPerson", "Group", "Device", "Medication",
			"Substance", "Encounter", "EpisodeOfCare");

	private static final ObjectMapper JSON = new ObjectMapper();

	private Corpus() {}

	/** Every JSON example, in the order they are sent. */
	public static List<Example> load() {
		URL index = Corpus.class.getClassLoader().getResource("spec-json.txt");
		if (index == null) {
			throw new IllegalStateException("com.ibm.fhir:fhir-examples is not on the test classpath");
		}
		try {
			JarURLConnection connection = (JarURLConnection) index.openConnection();
			connection.setUseCaches(false);
			try (JarFile jar = connection.getJarFile()) {
				Map<String, String> verdicts = verdicts(jar);
				List<Example> examples = new ArrayList<>();
				for (JarEntry entry : java.util.Collections.list(jar.entries())) {
					if (entry.isDirectory() || !entry.getName().startsWith("json/") || !entry.getName().endsWith(".json")) {
						continue;
					}
					byte[] bytes;
					try (InputStream in = jar.getInputStream(entry)) {
						bytes = in.readAllBytes();
					}
					examples.add(example(entry.getName(), verdicts.getOrDefault(entry.getName(), "?"), bytes));
				}
				examples.sort(Comparator.comparingInt((Example e) -> rank(e.resourceType())).thenComparing(Example::path));
				return examples;
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static int rank(String type) {
		int i = type == null ? -1 : FIRST.indexOf(type);
		return i < 0 ? FIRST.size() : i;
	}

	private static Example example(String path, String verdict, byte[] bytes) {
		String type = null;
		String id = null;
		String bundleType = null;
		try {
			JsonNode root = JSON.readTree(bytes);
			type = text(root.get("resourceType"));
			id = text(root.get("id"));
			bundleType = text(root.get("type"));
		} catch (IOException notJson) {
			// sent as it is: the server must refuse it clearly
		}
		return new Example(path, verdict, type, id, bundleType, bytes);
	}

	private static String text(JsonNode node) {
		return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
	}

	/** IBM's verdict for each file, from the corpus's index files ({@code OK   json/spec/account-example.json}). */
	private static Map<String, String> verdicts(JarFile jar) throws IOException {
		Map<String, String> verdicts = new HashMap<>();
		for (JarEntry entry : java.util.Collections.list(jar.entries())) {
			if (entry.getName().contains("/") || !entry.getName().endsWith(".txt") || !entry.getName().contains("json")) {
				continue;
			}
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(jar.getInputStream(entry), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					String[] parts = line.trim().split("\\s+");
					if (parts.length == 2) {
						verdicts.putIfAbsent(parts[1], parts[0]);
					}
				}
			}
		}
		return verdicts;
	}
}
