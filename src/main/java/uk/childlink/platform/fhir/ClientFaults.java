package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.function.Predicate;
import uk.childlink.platform.Pipeline;

/**
 * Failures that are the client's 400, not a server fault, recognised by where they happened or by the database's
 * error code, never by a message's wording:
 * <ul>
 * <li>HAPI failing while it reads the request (an unparseable number as a search or operation parameter, a broken
 * percent-escape, a {@code null} where the JSON parser wanted an object): the failing call went through HAPI's
 * reading of the request (the body parser as called for the request, the binders of search and operation parameters,
 * the query-string and match-URL parsers). Stock HAPI 8.8 answers some of these with 500.</li>
 * <li>PostgreSQL refusing a value the request carried (SQLSTATE class 22, data exception: a character it cannot
 * store, a number or date out of its range).</li>
 * </ul>
 * A failure anywhere else stays a 500, to be found and fixed.
 */
@Interceptor(order = Pipeline.Order.CLIENT_FAULTS)
final class ClientFaults {

	/** SQLSTATE class 22: data exception (PostgreSQL appendix A). */
	private static final String DATA_EXCEPTION = "22";

	private static final Predicate<StackTraceElement> READING_THE_REQUEST = frame -> {
		String type = frame.getClassName();
		return type.equals("ca.uhn.fhir.rest.server.method.ResourceParameter")
				|| type.startsWith("ca.uhn.fhir.rest.server.method.") && (type.endsWith("Parameter") || type.endsWith("ParamBinder"))
				|| type.startsWith("ca.uhn.fhir.rest.param.")
				|| type.equals("ca.uhn.fhir.util.UrlUtil") && frame.getMethodName().startsWith("parseQueryString")
				|| type.equals("ca.uhn.fhir.jpa.searchparam.MatchUrlService")
				|| type.equals("ca.uhn.fhir.jpa.dao.predicate.SearchFilterParser");
	};

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException asClientFault(Throwable thrown) {
		if (thrown instanceof BaseServerResponseException && !(thrown instanceof InternalErrorException)) {
			return null;
		}
		Throwable root = thrown;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith(DATA_EXCEPTION)) {
			return new InvalidRequestException("The database cannot store or search a value of this request (SQLSTATE "
					+ sql.getSQLState() + ", a data exception: for example the character U+0000, or a number or date "
					+ "out of range). Check the values against the FHIR specification.");
		}
		if (root instanceof BaseServerResponseException || Arrays.stream(root.getStackTrace()).noneMatch(READING_THE_REQUEST)) {
			return null;
		}
		return new InvalidRequestException("The server could not read this request: " + root.getClass().getSimpleName()
				+ (root.getMessage() == null ? "" : ": " + root.getMessage())
				+ ". Check the parameters and the body against the FHIR specification.");
	}
}
