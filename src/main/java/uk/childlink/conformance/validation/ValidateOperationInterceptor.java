package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Makes {@code $validate} judge codes as a write does: a code claiming one of our code systems that is not in it is
 * an error there too, so that a client checking before sending gets the answer the write would give.
 */
@Interceptor
final class ValidateOperationInterceptor {

	private final FhirContext fhirContext;

	ValidateOperationInterceptor(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.VALIDATION_COMPLETED)
	public ValidationResult asAWriteWould(IBaseResource resource, String rawResource, ValidationResult result) {
		boolean raised = false;
		for (SingleValidationMessage message : result.getMessages()) {
			if (message.getSeverity() == ResultSeverityEnum.WARNING
					&& ProfileValidator.isUnknownCodeInOurCodeSystem(message.getMessage())) {
				message.setSeverity(ResultSeverityEnum.ERROR);
				raised = true;
			}
		}
		return raised ? new ValidationResult(fhirContext, result.getMessages()) : null;
	}
}
