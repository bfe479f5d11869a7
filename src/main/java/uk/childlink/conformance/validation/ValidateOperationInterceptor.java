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
import uk.childlink.platform.Pipeline;
import ca.uhn.fhir.rest.api.EncodingEnum;
import org.hl7.fhir.r4.model.Base;
import uk.childlink.conformance.CodeLists;

/**
 * Makes {@code $validate} judge as a write does: a code claiming one of our code systems that is not in it is an
 * error there too, and a claimed profile of another publisher that the server does not hold is not one, so that a
 * client checking before sending gets the answer the write would give.
 */
@Interceptor(order = Pipeline.Order.VALIDATION)
final class ValidateOperationInterceptor {

	private final FhirContext fhirContext;
	private final OurCodes ourCodes;

	ValidateOperationInterceptor(FhirContext fhirContext, CodeLists codeLists) {
		this.fhirContext = fhirContext;
		this.ourCodes = new OurCodes(codeLists);
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
			messages.add(message);
		}
		IBaseResource validated = resource != null ? resource : parsed(rawResource);
		if (validated instanceof Base base) {
			for (OurCodes.Problem problem : ourCodes.problems(base)) {
				SingleValidationMessage error = new SingleValidationMessage();
				error.setSeverity(ResultSeverityEnum.ERROR);
				error.setLocationString(problem.location());
				error.setMessage(problem.message());
				messages.add(error);
				changed = true;
			}
		}
		return changed ? new ValidationResult(fhirContext, messages) : null;
	}

	/** The resource as sent, when HAPI validated the text only; null when it cannot be read. */
	private IBaseResource parsed(String raw) {
		EncodingEnum encoding = raw == null ? null : EncodingEnum.detectEncodingNoDefault(raw);
		if (encoding == null) {
			return null;
		}
		try {
			return encoding.newParser(fhirContext).parseResource(raw);
		} catch (RuntimeException e) {
			return null; // the validator has said what is wrong with it
		}
	}
}
