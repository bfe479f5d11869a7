package uk.childlink.access.authorisation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import uk.childlink.access.Caller;
import uk.childlink.platform.Pipeline;

/**
 * Every "not found" a caller hears reads the same, whether the record is missing or hidden from them (HAPI's
 * messages differ by path); 410 Gone too: that a record was deleted is itself something only those who could see it
 * should hear. Admins hear HAPI's own answer.
 */
@Interceptor(order = Pipeline.Order.NOT_KNOWN)
final class NotKnown {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException sameNotFound(RequestDetails request, Throwable exception) {
		if ((exception instanceof ResourceNotFoundException || exception instanceof ResourceGoneException)
				&& Caller.of(request).filter(c -> !c.isAdmin()).isPresent()) {
			String what = request.getId() != null && request.getId().hasIdPart()
					? request.getId().toUnqualifiedVersionless().getValue() : "The resource";
			return new ResourceNotFoundException(what + " is not known");
		}
		return null;
	}
}
