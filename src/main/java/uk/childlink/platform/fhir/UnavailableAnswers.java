package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import uk.childlink.platform.database.DatabaseUnavailable;
import uk.childlink.platform.Pipeline;

/**
 * The answer when the database cannot serve now: 503 with {@code Retry-After} and an OperationOutcome saying why
 * ({@link DatabaseUnavailable}), whichever path the failure took (a search's worker thread hands on only a status,
 * so a 503 without the header gets it here).
 */
@Interceptor(order = Pipeline.Order.UNAVAILABLE)
final class UnavailableAnswers {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException unavailable(Throwable thrown) {
		BaseServerResponseException answer = DatabaseUnavailable.answerFor(thrown).orElse(null);
		if (answer != null && !answer.hasResponseHeaders()) {
			answer.addResponseHeader("Retry-After", Integer.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
		}
		return answer;
	}
}
