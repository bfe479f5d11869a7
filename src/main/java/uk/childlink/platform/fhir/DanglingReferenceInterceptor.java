package uk.childlink.platform.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import uk.childlink.platform.Pipeline;

/**
 * A write that refers to a resource that does not exist (or was deleted) breaks a business rule of this server, like
 * a record that fails its profile: 422 with the location of the reference, as FHIR describes for create and update.
 * HAPI answers 400 (or 404 inside a transaction) with the path only in its message; this keeps the message and adds
 * the status and location.
 */
@Interceptor(order = Pipeline.Order.DANGLING_REFERENCE)
class DanglingReferenceInterceptor {

	/** HAPI: target not found (1094), deleted (1096), already found missing earlier in the transaction (2602). */
	static final List<String> CODES = List.of("HAPI-1094:", "HAPI-1096:", "HAPI-2602:");
	private static final String PATH = ", specified in path: ";
	private static final Pattern RESOLVE_FILTER = Pattern.compile("\\.where\\(resolve\\(\\) is \\w+\\)$");

	private final FhirContext fhirContext;

	DanglingReferenceInterceptor(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toUnprocessable(Throwable exception) {
		if (!(exception instanceof InvalidRequestException || exception instanceof ResourceNotFoundException)) {
			return null;
		}
		String message = exception.getMessage();
		if (message == null || CODES.stream().noneMatch(message::startsWith) || !message.contains(PATH)) {
			return null;
		}
		// HAPI names the search parameter's path, which for "patient" is "Observation.subject.where(resolve() is
		// Patient)": the element is what the client needs
		String path = message.substring(message.lastIndexOf(PATH) + PATH.length()).trim();
		path = RESOLVE_FILTER.matcher(path).replaceFirst("");
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(IssueSeverity.ERROR)
				.setCode(IssueType.NOTFOUND)
				.setDiagnostics(message)
				.addLocation(path)
				.addExpression(path);
		return new UnprocessableEntityException(fhirContext, outcome);
	}
}
