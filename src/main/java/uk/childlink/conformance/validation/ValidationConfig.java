package uk.childlink.conformance.validation;

import ca.uhn.fhir.IHapiBootOrder;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.List;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import uk.childlink.conformance.CodeLists;
import uk.childlink.conformance.ConformanceProperties;
import uk.childlink.conformance.loading.ConformanceFiles;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/** Validation on write in the request pipeline, in the storage layer so that every write path is covered. */
@Configuration(proxyBeanMethods = false)
class ValidationConfig implements Pipeline.Contributor {

	private static final Logger log = LoggerFactory.getLogger(ValidationConfig.class);

	private final ProfileValidator validator;
	private final List<Pipeline.Step> steps = new ArrayList<>();

	ValidationConfig(ConformanceProperties properties, FhirContext fhirContext,
			IInstanceValidatorModule instanceValidator, ConformanceFiles files, CodeLists codeLists,
			IValidationSupport validationSupport) {
		steps.add(new Pipeline.Step(Place.OWN_DEFINITIONS, new OwnDefinitionsInterceptor(fhirContext)));
		steps.add(new Pipeline.Step(Place.VALIDATION, new ValidateOperationInterceptor(fhirContext, codeLists)));
		if (!properties.validateOnWrite()) {
			validator = null;
			log.warn("childlink.conformance.validate-on-write is false: resources are stored WITHOUT being checked "
					+ "against the ChildLink profiles. Turn it back on unless you are measuring or bulk loading.");
			return;
		}
		validator = new ProfileValidator(fhirContext, instanceValidator, files, codeLists,
				properties.fastCheck() ? new FastCheck(fhirContext, validationSupport) : null);
		steps.add(new Pipeline.Step(Place.VALIDATION, new ProfileValidationInterceptor(validator, fhirContext)));
	}

	@Override
	public List<Pipeline.Step> steps() {
		return List.copyOf(steps);
	}

	/**
	 * Once the profiles are stored, warms the validator up in the background (a few seconds of CPU), so that start-up
	 * does not wait for it and the first write usually does not either.
	 */
	@EventListener(ContextRefreshedEvent.class)
	@Order(IHapiBootOrder.REGISTER_INTERCEPTORS + 2)
	public void warmUp() {
		if (validator == null) {
			return;
		}
		Thread warmUp = new Thread(() -> {
			long start = System.nanoTime();
			try {
				validator.warmUp();
				log.info("Validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
			} catch (RuntimeException e) {
				log.warn("Validator warm-up failed; the first write will retry it", e);
			}
		}, "childlink-validator-warm-up");
		warmUp.setDaemon(true);
		warmUp.start();
	}
}
