package uk.childlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

class ModuleBoundariesTest {

	@Test
	void childLinkModulesKeepOutOfEachOthersInternals() {
		JavaClasses production = new ClassFileImporter()
				.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("uk.childlink");
		ModuleBoundaries boundaries = new ModuleBoundaries("uk.childlink");

		EvaluationResult result = boundaries.evaluate(production);

		assertThat(boundaries.modules(production)).contains("platform");
		assertThat(result.getFailureReport().getDetails()).isEmpty();
	}

	@Test
	void aModuleReachingIntoAnothersInternalsIsReported() {
		// uk.childlink.archfixture: beta uses alpha's internal class; gamma uses only alpha's public face
		JavaClasses fixture = new ClassFileImporter().importPackages("uk.childlink.archfixture");
		ModuleBoundaries boundaries = new ModuleBoundaries("uk.childlink.archfixture");

		EvaluationResult result = boundaries.evaluate(fixture);

		assertThat(boundaries.modules(fixture)).containsExactly("alpha", "beta", "gamma");
		assertThat(result.hasViolation()).isTrue();
		assertThat(result.getFailureReport().getDetails())
				.anySatisfy(d -> assertThat(d).contains("beta.Consumer").contains("alpha.internal.Secret"))
				.noneSatisfy(d -> assertThat(d).contains("gamma.Fine"));
	}
}
