package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import uk.childlink.platform.Pipeline;

/**
 * When many clients send the same record at once with a conditional create or update (an upsert), all but one
 * lose a race on a unique index. HAPI runs each write in a transaction it can retry; asking for a retry here
 * makes the losers run their condition again, find the winner's record, and answer with it instead of 409.
 * A transaction bundle is retried whole (it is atomic) when it holds a conditional entry, so those entries behave
 * the same. A batch is not retried: HAPI runs its entries one by one under the batch's request, so a retry could not
 * be limited to the conditional entries. Plain creates are not retried: a duplicate there is the client's conflict
 * to see, at once, and retrying it would only hold a server thread through HAPI's back-off.
 */
@Interceptor(order = Pipeline.Order.WRITE_RETRY)
class ConditionalWriteRetryInterceptor {

	// 50 clients updating one record need many rounds; HAPI backs off randomly (up to 250 ms x attempt) between them
	static final int MAX_RETRIES = 20;

	@Hook(Pointcut.STORAGE_VERSION_CONFLICT)
	public ResourceVersionConflictResolutionStrategy retryConditionalWrites(RequestDetails request) {
		ResourceVersionConflictResolutionStrategy strategy = new ResourceVersionConflictResolutionStrategy();
		if (request != null && isConditional(request)) {
			strategy.setRetry(true);
			strategy.setMaxRetries(MAX_RETRIES);
		}
		return strategy;
	}

	private static boolean isConditional(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		if (operation == RestOperationTypeEnum.TRANSACTION) {
			return request.getResource() instanceof Bundle bundle
					&& bundle.getType() == Bundle.BundleType.TRANSACTION
					&& bundle.getEntry().stream().anyMatch(ConditionalWriteRetryInterceptor::isConditional);
		}
		if (operation == RestOperationTypeEnum.CREATE) {
			return request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null;
		}
		if (operation == RestOperationTypeEnum.UPDATE) {
			return request.getId() == null || !request.getId().hasIdPart(); // PUT Patient?identifier=...
		}
		return false;
	}

	private static boolean isConditional(Bundle.BundleEntryComponent entry) {
		Bundle.BundleEntryRequestComponent request = entry.getRequest();
		String url = request.getUrl();
		return request.getIfNoneExist() != null || (request.getMethod() != Bundle.HTTPVerb.GET
				&& request.getMethod() != Bundle.HTTPVerb.POST && url != null && url.contains("?"));
	}
}
