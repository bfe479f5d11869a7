package uk.childlink.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import uk.childlink.conformance.loading.ConformanceFiles;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;

/**
 * Every example beside the profiles in {@code fhir-profiles/} (each profile and extension has at least one valid and
 * one invalid example), sent to the server as a client would: the valid ones
 * are stored and pass {@code $validate} against the profile they claim; each invalid one is refused with 422, the
 * messages listed for it in {@code expected-errors.json}, and nothing stored.
 */
class ProfileExamplesIT extends IntegrationTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private record Example(String name, Resource resource, List<String> expectedErrors) {}

	@TestFactory
	Stream<DynamicTest> everyExampleIsJudgedAsItsFolderSays() throws IOException {
		List<Example> valid = examples("valid");
		List<Example> invalid = examples("invalid");
		for (StructureDefinition sd : ourStructureDefinitions()) {
			assertThat(valid).as("a valid example of " + sd.getUrl()).anyMatch(e -> uses(e, sd));
			assertThat(invalid).as("an invalid example of " + sd.getUrl()).anyMatch(e -> uses(e, sd));
		}
		// valid ones first, in reference order, because the invalid ones point at them
		return Stream.concat(
				valid.stream().map(e -> dynamicTest("valid " + e.name(), () -> accepted(e))),
				invalid.stream().map(e -> dynamicTest("invalid " + e.name(), () -> refused(e))));
	}

	private void accepted(Example example) {
		Resource resource = example.resource();
		client().update().resource(resource).execute();

		Resource stored = (Resource) client().read().resource(resource.getClass()).withId(resource.getIdPart()).execute();
		assertThat(stored.getMeta().getProfile()).extracting(p -> p.getValue())
				.containsExactlyElementsOf(resource.getMeta().getProfile().stream().map(p -> p.getValue()).toList());
		for (var profile : resource.getMeta().getProfile()) {
			assertThat(errors(validate(resource, profile.getValue()))).as("$validate of " + example.name()).isEmpty();
		}
	}

	private void refused(Example example) {
		Resource resource = example.resource();

		assertThatThrownBy(() -> client().update().resource(resource).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
					List<String> errors = errors((OperationOutcome) e.getOperationOutcome());
					assertThat(String.join("\n", errors)).contains(example.expectedErrors());
					assertThat(((OperationOutcome) e.getOperationOutcome()).getIssue())
							.allSatisfy(issue -> assertThat(issue.getLocation()).isNotEmpty());
				});
		assertThatThrownBy(() -> client().read().resource(resource.getClass()).withId(resource.getIdPart()).execute())
				.isInstanceOf(ResourceNotFoundException.class);
		// a client can find the same problems before sending
		String profile = resource.getMeta().getProfile().get(0).getValue();
		assertThat(String.join("\n", errors(validate(resource, profile)))).contains(example.expectedErrors());
	}

	/** {@code POST /fhir/[type]/$validate?profile=...} with the resource as the body, as the README shows. */
	private OperationOutcome validate(Resource resource, String profile) {
		RawHttp.Response response = http().send("POST", "/fhir/" + resource.fhirType() + "/$validate?profile=" + profile,
				Map.of("Content-Type", "application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(resource));
		assertThat(response.status()).as(response.body()).isIn(200, 412, 422);
		return (OperationOutcome) FHIR.newJsonParser().parseResource(response.body());
	}

	private static List<StructureDefinition> ourStructureDefinitions() {
		return ConformanceFiles.readAll(FHIR).stream()
				.filter(r -> r instanceof StructureDefinition sd && !sd.getUrl().endsWith("/applies-when"))
				.map(r -> (StructureDefinition) r)
				.toList();
	}

	/** A profile is used when the example claims it; an extension, when the example carries it. */
	private static boolean uses(Example example, StructureDefinition sd) {
		if ("Extension".equals(sd.getType())) {
			return FHIR.newJsonParser().encodeResourceToString(example.resource()).contains("\"" + sd.getUrl() + "\"");
		}
		return example.resource().getMeta().getProfile().stream().anyMatch(p -> sd.getUrl().equals(p.getValue()));
	}

	private static List<String> errors(OperationOutcome outcome) {
		return outcome.getIssue().stream()
				.filter(i -> i.getSeverity() == IssueSeverity.ERROR || i.getSeverity() == IssueSeverity.FATAL)
				.map(i -> i.getDiagnostics())
				.toList();
	}

	private static List<Example> examples(String kind) throws IOException {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		List<Example> examples = new ArrayList<>();
		for (var file : resolver.getResources("classpath*:fhir-profiles/**/examples/" + kind + "/*.json")) {
			String name = file.getFilename();
			if ("expected-errors.json".equals(name)) {
				continue;
			}
			List<String> expected = List.of();
			if (kind.equals("invalid")) {
				JsonNode list = JSON.readTree(file.createRelative("expected-errors.json").getInputStream())
						.path("expected").path(name);
				assertThat(list.isArray()).as("expected-errors.json beside " + name + " lists its messages").isTrue();
				expected = new ArrayList<>();
				for (JsonNode message : list) {
					expected.add(message.asText());
				}
			}
			try (InputStream in = file.getInputStream()) {
				IBaseResource resource = FHIR.newJsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				examples.add(new Example(name, (Resource) resource, expected));
			}
		}
		examples.sort(Comparator.comparingInt(ProfileExamplesIT::referenceOrder).thenComparing(Example::name));
		return examples;
	}

	/** Organisations (councils before the schools that are part of them), then children, then their records. */
	private static int referenceOrder(Example example) {
		Resource r = example.resource();
		if (r instanceof org.hl7.fhir.r4.model.Organization org) {
			return org.hasPartOf() ? 1 : 0;
		}
		return r instanceof org.hl7.fhir.r4.model.Patient ? 2 : 3;
	}
}
