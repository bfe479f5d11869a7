package uk.childlink.conformance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import uk.childlink.conformance.loading.ConformanceFiles;

/**
 * The code systems the server publishes ({@code terminology/}), for code that maps other formats into FHIR and must
 * know which codes exist and what they mean (an attendance code's statistical category, say) without a terminology
 * round trip per value. Read from the packaged files, so it is the same data the validator and {@code $lookup} use.
 */
@Component
public final class CodeLists {

	/** The agencies (education, health, social-care, youth-justice, early-help, police): Observation.category, Encounter.serviceType. */
	public static final String AGENCY = "https://fhir.childlink.uk/CodeSystem/agency";
	public static final String OBSERVATION_CODE = "https://fhir.childlink.uk/CodeSystem/observation-code";
	/** The episodes recorded as EpisodeOfCare: {@code school-enrolment}, a child on a school's roll. */
	public static final String EPISODE_TYPE = "https://fhir.childlink.uk/CodeSystem/episode-type";
	public static final String SCHOOL_ENROLMENT = "school-enrolment";

	private final Map<String, Map<String, CodeSystem.ConceptDefinitionComponent>> concepts = new HashMap<>();
	private final java.util.Set<String> complete = new java.util.HashSet<>();

	@Autowired
	CodeLists(ConformanceFiles files) {
		this(files.resources());
	}

	/** The code systems among {@code resources} (outside a Spring context, e.g. in tests). */
	public CodeLists(java.util.Collection<? extends org.hl7.fhir.instance.model.api.IBaseResource> resources) {
		for (var resource : resources) {
			if (resource instanceof CodeSystem system && system.hasUrl()) {
				Map<String, CodeSystem.ConceptDefinitionComponent> codes = new HashMap<>();
				flatten(system.getConcept(), codes);
				concepts.put(system.getUrl(), Map.copyOf(codes));
				if (system.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE) {
					complete.add(system.getUrl());
				}
			}
		}
	}

	private static void flatten(List<CodeSystem.ConceptDefinitionComponent> list,
			Map<String, CodeSystem.ConceptDefinitionComponent> into) {
		for (CodeSystem.ConceptDefinitionComponent concept : list) {
			into.put(concept.getCode(), concept);
			flatten(concept.getConcept(), into);
		}
	}

	/** Whether {@code code} is a code of the published code system {@code system}. */
	public boolean contains(String system, String code) {
		return code != null && concepts.getOrDefault(system, Map.of()).containsKey(code);
	}

	/** Whether {@code system} is one of the code systems held here. */
	public boolean has(String system) {
		return concepts.containsKey(system);
	}

	/** Whether the code system {@code system} is held whole ({@code content} complete, not a fragment). */
	public boolean isComplete(String system) {
		return complete.contains(system);
	}

	/** Every code of the published code system {@code system} (none when there is no such code system). */
	public java.util.Set<String> codes(String system) {
		return concepts.getOrDefault(system, Map.of()).keySet();
	}

	/** The code's display, if it has one. */
	public Optional<String> display(String system, String code) {
		return Optional.ofNullable(concepts.getOrDefault(system, Map.of()).get(code))
				.map(CodeSystem.ConceptDefinitionComponent::getDisplay);
	}

	/** The value of a Coding or code property of a code ({@code category} of an attendance code, say). */
	public Optional<String> property(String system, String code, String property) {
		CodeSystem.ConceptDefinitionComponent concept = concepts.getOrDefault(system, Map.of()).get(code);
		if (concept == null) {
			return Optional.empty();
		}
		return concept.getProperty().stream()
				.filter(p -> property.equals(p.getCode()))
				.map(p -> p.getValue() instanceof Coding coding ? coding.getCode() : p.getValue().primitiveValue())
				.findFirst();
	}
}
