package uk.childlink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The house rule for modules (see the design notes): each direct sub-package of the root is a module; the classes
 * directly in it are its public face, its sub-packages are its internals. No class outside a module may use that
 * module's internals, and modules may not depend on each other in a cycle.
 */
final class ModuleBoundaries {

	private final String root;

	ModuleBoundaries(String root) {
		this.root = root;
	}

	SortedSet<String> modules(JavaClasses classes) {
		SortedSet<String> modules = new TreeSet<>();
		for (JavaClass c : classes) {
			String pkg = c.getPackageName();
			if (pkg.startsWith(root + ".")) {
				modules.add(pkg.substring(root.length() + 1).split("\\.")[0]);
			}
		}
		return modules;
	}

	List<ArchRule> rules(JavaClasses classes) {
		List<ArchRule> rules = new ArrayList<>();
		for (String module : modules(classes)) {
			String modulePackage = root + "." + module;
			rules.add(noClasses()
					.that().resideOutsideOfPackage(modulePackage + "..")
					.should().dependOnClassesThat(internalTo(modulePackage))
					.as("only module '" + module + "' uses the internals of module '" + module + "'"));
		}
		rules.add(slices().matching(root + ".(*)..").should().beFreeOfCycles().allowEmptyShould(true)
				.as("modules do not depend on each other in a cycle"));
		return rules;
	}

	EvaluationResult evaluate(JavaClasses classes) {
		List<ArchRule> rules = rules(classes);
		EvaluationResult result = rules.get(0).evaluate(classes);
		for (ArchRule rule : rules.subList(1, rules.size())) {
			result.add(rule.evaluate(classes));
		}
		return result;
	}

	private static DescribedPredicate<JavaClass> internalTo(String modulePackage) {
		return DescribedPredicate.describe("internal to " + modulePackage,
				c -> c.getPackageName().startsWith(modulePackage + "."));
	}
}
