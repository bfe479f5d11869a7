package uk.childlink.platform.database;

import ca.uhn.fhir.jpa.util.JpaHapiTransactionService;
import org.springframework.transaction.support.TransactionCallback;

/**
 * HAPI's transaction service, which every storage operation goes through, answering a database that cannot serve
 * now ({@link DatabaseUnavailable}) with 503 from where it happens. HAPI runs searches in worker threads and hands the
 * requesting thread only a failure status and message, so the status must be decided here, not when the answer goes
 * out: otherwise a search that hits an exhausted pool or the statement timeout reaches the caller as a 500.
 */
public class UnavailabilityAwareTransactions extends JpaHapiTransactionService {

	@Override
	protected <T> T doExecuteCallback(ExecutionBuilder execution, TransactionCallback<T> callback) {
		try {
			return super.doExecuteCallback(execution, callback);
		} catch (RuntimeException failure) {
			throw DatabaseUnavailable.answerFor(failure).map(RuntimeException.class::cast).orElse(failure);
		}
	}
}
