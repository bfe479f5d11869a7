package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;

/** Registers validation on write with HAPI's storage interceptors, so that every write path is covered. */
@Configuration(proxyBeanMethods = false)
class ValidationConfig {

	ValidationConfig(IInterceptorService storageInterceptors, FhirContext fhirContext,
			@Qualifier("myInstanceValidator") IInstanceValidatorModule instanceValidator) {
		storageInterceptors.registerInterceptor(
				new ProfileValidationInterceptor(new ProfileValidator(fhirContext, instanceValidator), fhirContext));
	}
}
