package uk.childlink.platform.database;

import ca.uhn.fhir.jpa.util.JpaHapiTransactionService;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService.IExecutionBuilder;
import org.springframework.transaction.support.TransactionCallback;

/**
 * HAPI's transaction service, which every storage operation goes through, answering a database that cannot serve
 * now ({@link DatabaseUnavailable}) with 503 from where it happens. HAPI runs searches in worker threads and hands the
 * requesting thread only a failure status and message, so the status must be decided here, not when the answer goes
 * out: otherwise a search that hits an exhausted pool or the statement timeout reaches the caller as a 500. A
 * transaction a write opens plans its statements generically ({@link WritePlans}).
 */
public class UnavailabilityAwareTransactions extends JpaHapiTransactionService {

	private final WritePlans writePlans;

	public UnavailabilityAwareTransactions(WritePlans writePlans) {
		this.writePlans = writePlans;
	}

	/** HAPI's execution, remembering the request it runs for. */
	@Override
	protected IExecutionBuilder buildExecutionBuilder(RequestDetails request) {
		return new ForRequest(request);
	}

	@Override
	protected <T> T doExecuteCallback(ExecutionBuilder execution, TransactionCallback<T> callback) {
		RequestDetails request = execution instanceof ForRequest forRequest ? forRequest.request : null;
		try {
			return super.doExecuteCallback(execution, status -> {
				writePlans.begin(status, request);
				return callback.doInTransaction(status);
			});
		} catch (RuntimeException failure) {
			throw DatabaseUnavailable.answerFor(failure).map(RuntimeException.class::cast).orElse(failure);
		}
	}

	private final class ForRequest extends ExecutionBuilder {
		private final RequestDetails request;

		ForRequest(RequestDetails request) {
			super(request);
			this.request = request;
		}
	}
}
