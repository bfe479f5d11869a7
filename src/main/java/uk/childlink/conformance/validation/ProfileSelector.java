package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPath.IParsedExpression;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StructureDefinition;
import uk.childlink.platform.Primitives;

/**
 * Decides which ChildLink profiles a resource must meet: each one it claims in {@code meta.profile}, and each one
 * whose {@code applies-when} FHIRPath (an extension on the profile, so the rule lives with the profile) is true for
 * it. Profiles of other publishers are left to the client: a FHIR server accepts resources it has no profile for.
 */
final class ProfileSelector {

	static final String BASE = "https://fhir.childlink.uk/";
	static final String APPLIES_WHEN = BASE + "StructureDefinition/applies-when";
	static final String OUR_CODE_SYSTEMS = BASE + "CodeSystem/";

	static final Set<String> DEFINITIONS = Set.of("StructureDefinition", "CodeSystem", "ValueSet",
			"ConceptMap", "SearchParameter", "NamingSystem", "OperationDefinition", "CapabilityStatement",
			"ImplementationGuide", "Questionnaire", "PlanDefinition", "ActivityDefinition", "Library", "Measure");

	private record Rule(String resourceType, String profile, IParsedExpression appliesWhen) {}

	private final IFhirPath fhirPath;
	private final FhirTerser terser;
	private final List<Rule> rules = new ArrayList<>();

	ProfileSelector(FhirContext fhirContext, List<IBaseResource> conformanceResources) {
		this.fhirPath = fhirContext.newFhirPath();
		this.terser = fhirContext.newTerser();
		for (IBaseResource resource : conformanceResources) {
			if (resource instanceof StructureDefinition sd) {
				Extension appliesWhen = sd.getExtensionByUrl(APPLIES_WHEN);
				if (appliesWhen != null) {
					rules.add(new Rule(sd.getType(), sd.getUrl(), parse(sd, appliesWhen.getValue().primitiveValue())));
				}
			}
		}
	}

	private IParsedExpression parse(StructureDefinition sd, String expression) {
		try {
			return fhirPath.parse(expression);
		} catch (Exception e) {
			throw new IllegalStateException("applies-when of " + sd.getUrl() + " is not valid FHIRPath: " + expression, e);
		}
	}

	/** Our profiles the resource must meet, in a stable order; empty when none applies. */
	Set<String> profilesFor(IBaseResource resource) {
		Set<String> profiles = new LinkedHashSet<>();
		for (IPrimitiveType<String> claimed : resource.getMeta().getProfile()) {
			String url = claimed.getValue();
			if (url != null && url.startsWith(BASE)) {
				profiles.add(url.contains("|") ? url.substring(0, url.indexOf('|')) : url);
			}
		}
		String type = resource.fhirType();
		for (Rule rule : rules) {
			if (rule.resourceType().equals(type) && isTrue(resource, rule.appliesWhen())) {
				profiles.add(rule.profile());
			}
		}
		return profiles;
	}

	/**
	 * True when a record (not a definition: profiles and value sets quote codes in patterns and bindings) has a
	 * Coding that claims one of our code systems: such a code must exist there.
	 */
	boolean carriesOurCodes(IBaseResource resource) {
		return !DEFINITIONS.contains(resource.fhirType())
				&& terser.getAllPopulatedChildElementsOfType(resource, Coding.class).stream()
						.anyMatch(coding -> Primitives.startsWith(coding.getSystemElement(), OUR_CODE_SYSTEMS));
	}

	private boolean isTrue(IBaseResource resource, IParsedExpression expression) {
		return fhirPath.evaluateFirst(resource, expression, BooleanType.class).map(BooleanType::booleanValue).orElse(false);
	}
}
