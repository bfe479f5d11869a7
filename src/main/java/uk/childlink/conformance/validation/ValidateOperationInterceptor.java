package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Makes {@code $validate} judge as a write does: a code claiming one of our code systems that is not in it is an
 * error there too, and a claimed profile of another publisher that the server does not hold is not one, so that a
 * client checking before sending gets the answer the write would give.
 */
@Interceptor
final class ValidateOperationInterceptor {

	private final FhirContext fhirContext;

	ValidateOperationInterceptor(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.VALIDATION_COMPLETED)
	public ValidationResult asAWriteWould(IBaseResource resource, String rawResource, ValidationResult result) {
		boolean changed = false;
		List<SingleValidationMessage> messages = new ArrayList<>();
		for (SingleValidationMessage message : result.getMessages()) {
			if (ProfileValidator.isOtherPublishersUnknownProfile(message.getMessageId(), message.getMessage())) {
				changed = true;
				continue;
			}
			if (message.getSeverity() == ResultSeverityEnum.WARNING
					&& ProfileValidator.isUnknownCodeInOurCodeSystem(message.getMessage())) {
				message.setSeverity(ResultSeverityEnum.ERROR);
				changed = true;
			}
			messages.add(message);
		}
		return changed ? new ValidationResult(fhirContext, messages) : null;
	}
}
