package uk.childlink.conformance.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.loading.ConformanceFiles;
import uk.childlink.robustness.Corpus;
import uk.childlink.robustness.Mutations;
import uk.childlink.support.IntegrationTest;

/**
 * The compiled checker ({@link FastCheck}) held to HL7's validator, the oracle: over every example beside our
 * profiles, the FHIR R4 example corpus (each resource and each bundle entry, against its base definition or the
 * profiles of ours that apply) and generated hostile input (mutations of our examples, as the never-a-500 test makes
 * them), whenever the checker vouches for a resource, HL7's validator must find no error in it. Where the checker
 * does not vouch, HL7's validator judges on the server, so outcomes and locations are HL7's by construction; this
 * test fails on the only disagreement possible, a resource let through that HL7 would refuse. And the checker must
 * be worth having: it reads every profile of ours, and vouches for the valid examples of each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastCheckIT extends IntegrationTest {

	private static final long SEED = 20261204L;
	private static final int HOSTILE_CASES = 1_500;

	@Autowired
	private FhirContext fhirContext;
	@Autowired
	private IValidationSupport validationSupport;
	@Autowired
	private IInstanceValidatorModule instanceValidator;
	@Autowired
	private ConformanceFiles files;
	@Autowired
	private CodeLists codeLists;

	private final Map<String, Integer> reasons = new TreeMap<>();
	private FastCheck fast;
	private ProfileValidator hl7;
	private IParser parser;

	@BeforeAll
	void setUp() {
		fast = new FastCheck(fhirContext, validationSupport);
		hl7 = new ProfileValidator(fhirContext, instanceValidator, files, codeLists, null);
		parser = fhirContext.newJsonParser();
	}

	@Test
	void readsEveryProfileOfOurs() {
		List<String> ours = ourProfiles().stream().map(StructureDefinition::getUrl).toList();
		assertThat(ours).hasSizeGreaterThan(20);
		for (String url : ours) {
			assertThat(fast.definitions().get(url)).as("%s: %s", url, fast.definitions().unsupported().get(url))
					.isPresent();
		}
	}

	@Test
	void vouchesForNothingHl7sValidatorRefusesAndForEveryValidExample() throws IOException {
		List<String> disagreements = new ArrayList<>();
		Map<String, int[]> counts = new TreeMap<>(); // source: samples, vouched for

		List<String> validExamples = examples("valid");
		List<String> notVouched = new ArrayList<>();
		Resource withNarrative = null; // the first valid example vouched for: narratives go on it below
		Patient child = null; // the first valid Patient vouched for: urns go on it below
		for (String json : validExamples) {
			Resource resource = (Resource) parser.parseResource(json);
			boolean special = resource.fhirType().equals("MeasureReport"); // the server's own statistics: HL7 judges
			if (judge("profile example (valid)", resource, disagreements, counts)) {
				withNarrative = withNarrative != null ? withNarrative : resource;
				child = child == null && resource instanceof Patient p ? p : child;
			} else if (!special) {
				notVouched.add(resource.fhirType() + "/" + resource.getIdPart() + ": "
						+ fast.whyNot(resource, hl7.profilesFor(resource), Map.of()));
			}
		}
		for (String json : examples("invalid")) {
			judge("profile example (invalid)", (Resource) parser.parseResource(json), disagreements, counts);
		}
		for (Corpus.Example example : Corpus.load()) {
			Resource resource = parsed(new String(example.json(), StandardCharsets.UTF_8));
			if (resource == null) {
				continue;
			}
			if (resource instanceof Bundle bundle) {
				for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
					if (entry.getResource() != null) {
						judge("corpus bundle entry", entry.getResource(), disagreements, counts);
					}
				}
			}
			judge("corpus", resource, disagreements, counts);
			// most narrative is HL7's to judge (PlainNarrative): without it, the rest of each example is the checker's
			for (Resource part : resource instanceof Bundle bundle
					? bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
							.filter(r -> r instanceof DomainResource).toList()
					: List.of(resource)) {
				if (part instanceof DomainResource domain && domain.hasText()) {
					DomainResource copy = domain.copy();
					copy.setText(null);
					judge("corpus without narrative", copy, disagreements, counts);
				}
			}
		}
		List<String> bases = new ArrayList<>(validExamples);
		bases.add(read(getClass().getResourceAsStream("/ukcore/Patient-ukcore-child.json")));
		for (int i = 0; i < HOSTILE_CASES; i++) {
			Random random = new Random(SEED * 1_000_003L + i);
			Mutations.Mutated mutated = Mutations.mutate(bases.get(random.nextInt(bases.size())), random);
			Resource resource = parsed(mutated.json());
			if (resource != null) {
				judge("hostile", resource, disagreements, counts);
			}
		}

		// narratives, plain and not, on a valid example (the server's absence Flag carries the first kind)
		assertThat(withNarrative).as("a valid example vouched for").isNotNull();
		for (String div : NARRATIVES) {
			DomainResource copy = (DomainResource) withNarrative.copy();
			try {
				copy.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString(div);
			} catch (RuntimeException unparsable) {
				continue; // HAPI's own parser refuses it: no write carries it this far
			}
			judge("narrative", copy, disagreements, counts);
		}

		// urns as code systems and identifier systems (a Synthea-style record speaks its language in BCP 47)
		assertThat(child).as("a valid Patient vouched for").isNotNull();
		for (String[] urn : URNS) {
			Patient copy = child.copy();
			copy.addCommunication().getLanguage().addCoding().setSystem(urn[0]).setCode(urn[1]).setDisplay(urn[2]);
			judge("urn", copy, disagreements, counts);
			copy = child.copy();
			copy.addIdentifier().setSystem(urn[0]).setValue(urn[1]);
			judge("urn", copy, disagreements, counts);
		}

		counts.forEach((source, c) -> System.out.printf("FastCheckIT: %-26s %5d resources, %5d vouched for%n",
				source, c[0], c[1]));
		reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(40)
				.forEach(r -> System.out.printf("FastCheckIT: not vouched %5d x %s%n", r.getValue(), r.getKey()));
		assertThat(disagreements).as("resources the checker vouched for that HL7's validator refuses").isEmpty();
		assertThat(notVouched).as("valid examples of our profiles the checker does not vouch for").isEmpty();
		// floors under what the checker vouches for (2026-12-04: 217 + 320 corpus, 155 hostile, 7 narratives, 22 urns): the
		// test must not pass by a checker that vouches for nothing
		assertThat(counts.get("corpus")[1] + counts.get("corpus without narrative")[1])
				.as("corpus resources the checker vouches for").isGreaterThan(300);
		assertThat(counts.get("hostile")[1]).as("hostile cases the checker vouches for").isGreaterThan(100);
		assertThat(counts.get("narrative")[1]).as("plain narratives the checker vouches for").isGreaterThanOrEqualTo(5);
		assertThat(counts.get("urn")[1]).as("urns the checker vouches for").isGreaterThanOrEqualTo(12);
	}

	/** Systems, codes (identifier values) and displays: urns HL7's validator takes, and ones it may refuse. */
	private static final List<String[]> URNS = List.of(
			new String[] {"urn:ietf:bcp:47", "en-GB", "English (United Kingdom)"},
			new String[] {"urn:ietf:bcp:47", "cy", null},
			new String[] {"urn:ietf:bcp:47", "en", "English"},
			new String[] {"urn:ietf:bcp:47", "en-US", "English"},
			new String[] {"urn:ietf:bcp:47", "en-GB", "English (Region=United Kingdom)"},
			new String[] {"urn:ietf:bcp:47", "en-GB", "Klingon"},
			new String[] {"urn:ietf:bcp:47", "xx-QQ", null},
			new String[] {"urn:ietf:bcp:47", "en_GB", null},
			new String[] {"urn:ietf:bcp:47", "", null},
			new String[] {"urn:oid:2.16.840.1.113883.2.1.4.1", "9990001234", null},
			new String[] {"urn:oid:1.2.3.4.5.6", "x", null},
			new String[] {"urn:oid:1.2.3", "x", null},
			new String[] {"urn:oid:1.2.03.4.5", "x", null},
			new String[] {"urn:oid:3.1.2.3.4", "x", null},
			new String[] {"urn:oid:2.16.840.1.113883.6.96", "22298006", null},
			new String[] {"urn:ietf:rfc:3986", "not a uri", null},
			new String[] {"urn:ietf:bcp:13", "text/plain", null},
			new String[] {"urn:iso:std:iso:3166", "GB", null},
			new String[] {"urn:isbn:0451450523", "x", null},
			new String[] {"urn:ietf:bcp:47 ", "en", null});

	/** Narrative divs: plain ones (the first five, and the entity-escaped last) and ones HL7's rules may refuse. */
	private static final List<String> NARRATIVES = List.of(
			xhtml("Persistent absence: 12% of sessions missed this school year."),
			xhtml("<p>Weekly <b>attendance</b> record</p><ul><li>Mon: present</li><li>Tue: <i>authorised</i></li></ul>"),
			xhtml("<table><thead><tr><th>Day</th><th>Mark</th></tr></thead><tbody><tr><td>Mon</td><td>/</td></tr>"
					+ "</tbody></table>"),
			xhtml("<h2>Child</h2><div><span>Nell <strong>Restart</strong></span><br/>born 2019</div>"),
			xhtml("<span><p>a paragraph in a span</p></span><ol><li><div>a block in an item</div></li></ol>"),
			xhtml("<p><div>a block in a paragraph</div></p>"),
			xhtml("<ul>text in a list<li>x</li></ul>"),
			xhtml("<b>bold <b>inside</b> bold</b>"),
			xhtml("<em>an <span>inline <em>inside</em></span> itself</em>"),
			xhtml("<table><td>a cell outside a row</td></table>"),
			xhtml("<li>an item outside a list</li>"),
			xhtml("<tr><td>a row outside a table</td></tr>"),
			xhtml("   "),
			xhtml("<p/>"),
			xhtml("<script>alert(1)</script>x"),
			xhtml("<a href=\"javascript:alert(1)\">x</a>"),
			xhtml("<a href=\"#nowhere\">x</a>"),
			xhtml("<p onclick=\"x()\">x</p>"),
			xhtml("<p style=\"color: red\">x</p>"),
			xhtml("<img src=\"#x\"/>x"),
			xhtml("caf&#233;"),
			xhtml("<!-- a comment -->x"),
			xhtml("<p xmlns=\"http://example.org/other\">x</p>"),
			xhtml("<br>x</br>"),
			xhtml("<pre>pre <pre>in pre</pre></pre>"),
			xhtml("<blink>x</blink>"),
			"<div>no namespace</div>",
			"<div xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">x</div>",
			"<p xmlns=\"http://www.w3.org/1999/xhtml\">not a div</p>",
			xhtml("a &lt; b &amp;&amp; c &gt; d"));

	private static String xhtml(String inner) {
		return "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + inner + "</div>";
	}

	/** Asks the checker; when it vouches, asks HL7's validator too. Whether it vouched. */
	private boolean judge(String source, Resource resource, List<String> disagreements, Map<String, int[]> counts) {
		Set<String> profiles = hl7.profilesFor(resource);
		boolean vouched = fast.certainlyValid(resource, profiles, Map.of());
		int[] c = counts.computeIfAbsent(source, s -> new int[2]);
		c[0]++;
		if (!vouched) {
			String why = String.valueOf(fast.whyNot(resource, profiles, Map.of())).replaceAll("\\[\\d+\\]", "");
			reasons.merge(source.startsWith("corpus") ? "corpus: " + why.replaceAll(": .*", "") : source + ": " + why, 1, Integer::sum);
		}
		if (vouched) {
			c[1]++;
			List<SingleValidationMessage> errors = hl7.hl7Errors(resource, profiles);
			if (!errors.isEmpty()) {
				disagreements.add(source + " " + resource.fhirType() + "/" + resource.getIdPart() + " " + profiles + ": "
						+ errors.stream().map(m -> m.getLocationString() + " " + m.getMessage()).toList() + "\n"
						+ parser.encodeResourceToString(resource));
			}
		}
		return vouched;
	}

	private Resource parsed(String json) {
		try {
			IBaseResource resource = parser.parseResource(json);
			return resource instanceof Resource r ? r : null;
		} catch (RuntimeException unparseable) {
			return null; // the server refuses it before any validator sees it
		}
	}

	private List<StructureDefinition> ourProfiles() {
		return files.resources().stream().filter(StructureDefinition.class::isInstance)
				.map(StructureDefinition.class::cast).toList();
	}

	private static List<String> examples(String verdict) throws IOException {
		List<String> out = new ArrayList<>();
		for (org.springframework.core.io.Resource file : new PathMatchingResourcePatternResolver()
				.getResources("classpath*:fhir-profiles/**/examples/" + verdict + "/*.json")) {
			if (!file.getFilename().equals("expected-errors.json")) {
				out.add(read(file.getInputStream()));
			}
		}
		return out;
	}

	private static String read(InputStream in) throws IOException {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}
}
