package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;

/**
 * FHIR says a write whose {@code If-Match} version is not the current one fails with 412 Precondition Failed
 * (http.html#concurrency); HAPI answers 409. This keeps HAPI's message and OperationOutcome and corrects the status.
 * A version conflict without {@code If-Match} (two writers racing) stays 409.
 */
@Interceptor
class IfMatchPreconditionInterceptor {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toPreconditionFailed(RequestDetails request, Throwable exception) {
		if (exception instanceof ResourceVersionConflictException conflict
				&& request.getHeader(Constants.HEADER_IF_MATCH) != null) {
			return new PreconditionFailedException(conflict.getMessage(), conflict.getOperationOutcome());
		}
		return null;
	}
}
