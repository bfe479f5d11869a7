package uk.childlink.identity.rules;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import uk.childlink.platform.Pipeline;

/**
 * Turns HAPI's unique-index conflict (which names index strings and the id of the other record) into a 409 that says
 * which of the child's identifiers is already on another child's record, and what to do instead, without giving
 * away the other record.
 */
@Interceptor(order = Pipeline.Order.DUPLICATE_CHILD)
class DuplicateChildInterceptor {

	/** HAPI-1093 names the index string, e.g. {@code Patient?nhs-number=9434765919}. */
	private static final Pattern INDEX = Pattern.compile("Patient\\?(nhs-number|current-upn)=([^\\s,)]+)");
	/** HAPI-0824: the database's unique constraint caught a race; the value is not in the message. */
	private static final String RACE = "HAPI-0824";

	private final FhirContext fhirContext;

	DuplicateChildInterceptor(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException explain(RequestDetails request, Throwable exception) {
		if (!(exception instanceof ResourceVersionConflictException conflict) || conflict.getMessage() == null) {
			return null;
		}
		Matcher index = INDEX.matcher(conflict.getMessage());
		String message;
		String location;
		if (index.find()) {
			boolean nhs = index.group(1).equals("nhs-number");
			String value = java.net.URLDecoder.decode(index.group(2), java.nio.charset.StandardCharsets.UTF_8);
			message = (nhs ? "NHS number " : "UPN ") + value + " is already on another child's record, and a child has "
					+ "one record. To reuse that record send a conditional create (If-None-Exist: "
					+ (nhs ? "identifier=https://fhir.nhs.uk/Id/nhs-number|" : "identifier=https://fhir.childlink.uk/Id/upn|")
					+ value + ") or a conditional update; to join two records use Patient/$merge.";
			location = "Patient.identifier";
		} else if (conflict.getMessage().contains(RACE) && "Patient".equals(request.getResourceName())) {
			message = "This child's NHS number or current UPN was stored on another record at the same moment, and a "
					+ "child has one record. Send a conditional create or update to reuse that record.";
			location = "Patient.identifier";
		} else {
			return null;
		}
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.DUPLICATE)
				.setDiagnostics(message)
				.addExpression(location);
		return new ResourceVersionConflictException(message, conflict, outcome);
	}
}
