package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.List;
import uk.childlink.platform.Pipeline;

/**
 * FHIR says a write whose {@code If-Match} version is not the current one fails with 412 Precondition Failed
 * (http.html#concurrency); HAPI answers 409. This keeps HAPI's message and OperationOutcome and corrects the status.
 * Only HAPI's version mismatch is converted: other conflicts on the same request (a duplicate unique
 * identifier, say) stay 409, as does a version conflict without {@code If-Match} (two writers racing).
 */
@Interceptor(order = Pipeline.Order.VERSION_PRECONDITION)
class IfMatchPreconditionInterceptor {

	/**
	 * HAPI's codes for "not the current version": update (0989), patch (0974), delete (0961), and the database's
	 * version check when another write of the same version committed first (0823).
	 */
	static final List<String> VERSION_MISMATCH = List.of("HAPI-0989:", "HAPI-0974:", "HAPI-0961:", "HAPI-0823:");

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toPreconditionFailed(RequestDetails request, Throwable exception) {
		if (exception instanceof ResourceVersionConflictException conflict
				&& request.getHeader(Constants.HEADER_IF_MATCH) != null
				&& conflict.getMessage() != null
				&& VERSION_MISMATCH.stream().anyMatch(conflict.getMessage()::contains)) {
			return new PreconditionFailedException(conflict.getMessage(), conflict.getOperationOutcome());
		}
		return null;
	}
}
