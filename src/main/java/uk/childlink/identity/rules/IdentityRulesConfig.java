package uk.childlink.identity.rules;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;
import uk.childlink.platform.StorageProperties;

/**
 * The identity rules in the request pipeline: in the storage layer (so that they apply to every write path: REST,
 * transactions, operations and internal writes), and the duplicate-child explanation of the REST server's answers.
 */
@Configuration(proxyBeanMethods = false)
class IdentityRulesConfig implements Pipeline.Contributor {

	private final List<Pipeline.Step> steps = new ArrayList<>();

	IdentityRulesConfig(PatientIdentifierRules rules, FhirContext fhirContext, StorageProperties storage) {
		steps.add(new Pipeline.Step(Place.IDENTITY, new PatientIdentityInterceptor(rules, fhirContext)));
		steps.add(new Pipeline.Step(Place.SEARCH_IDENTIFIERS, new NhsNumberSearchNormaliser()));
		if (storage.tuned()) {
			steps.add(new Pipeline.Step(Place.SEARCH_STRATEGY, new OneChildLookups()));
		}
		steps.add(new Pipeline.Step(Place.DUPLICATE_CHILD, new DuplicateChildInterceptor(fhirContext)));
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.copyOf(steps);
	}
}
