package uk.childlink.conformance.validation;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Property;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.Primitives;

/**
 * A Coding that claims one of ChildLink's code systems carries a code that system defines: checked against ChildLink's
 * own code lists (its terminology files), whatever the validator's messages say (it reports these only as warnings,
 * in words that are not an API). A code system of ours that is only a fragment accepts other codes.
 */
final class OurCodes {

	/** A coding's problem, located by FHIRPath from the resource ({@code Observation.code.coding[0]}). */
	record Problem(String location, String message) {}

	private final CodeLists codeLists;

	OurCodes(CodeLists codeLists) {
		this.codeLists = codeLists;
	}

	List<Problem> problems(Base resource) {
		List<Problem> problems = new ArrayList<>();
		walk(resource, resource.fhirType(), problems);
		return problems;
	}

	private void walk(Base element, String path, List<Problem> problems) {
		if (element instanceof Coding coding) {
			check(coding, path, problems);
		}
		for (Property property : element.children()) {
			List<Base> values = property.getValues();
			for (int i = 0; i < values.size(); i++) {
				Base value = values.get(i);
				if (value == null) {
					continue;
				}
				String name = property.getName().endsWith("[x]")
						? property.getName().replace("[x]", capitalised(value.fhirType())) : property.getName();
				walk(value, path + "." + name + (property.getMaxCardinality() > 1 ? "[" + i + "]" : ""), problems);
			}
		}
	}

	private void check(Coding coding, String path, List<Problem> problems) {
		String system = Primitives.value(coding.getSystemElement());
		if (system == null || !system.startsWith(ProfileSelector.OUR_CODE_SYSTEMS)) {
			return;
		}
		String code = Primitives.value(coding.getCodeElement());
		if (!codeLists.has(system)) {
			problems.add(new Problem(path, "ChildLink has no code system " + system));
		} else if (code != null && codeLists.isComplete(system) && !codeLists.contains(system, code)) {
			problems.add(new Problem(path, "Unknown code " + system.substring(system.lastIndexOf('/') + 1) + "#" + code
					+ ": the code system " + system + " has no code '" + code + "'"));
		}
	}

	private static String capitalised(String type) {
		return type.isEmpty() ? type : Character.toUpperCase(type.charAt(0)) + type.substring(1);
	}
}
