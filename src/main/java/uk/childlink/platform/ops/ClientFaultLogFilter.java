package uk.childlink.platform.ops;

import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.jpa.search.builder.tasks.SearchTask;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the log's ERROR level for faults of the server. HAPI logs some refusals of a client's mistake at ERROR with a
 * stack trace, and the same refusal is logged again at WARN, in one line, when it is answered:
 * <ul>
 * <li>every exception an interceptor throws, including the 4xx answers ChildLink's rules give on purpose (a 422 from
 * validation, a 403 from the access rules);</li>
 * <li>a search whose parameters fail to parse in its worker thread (HAPI answers it 400).</li>
 * </ul>
 * Such an ERROR about a client's mistake (a 4xx exception, or an unparseable search value) is dropped; everything
 * else is logged as before.
 */
final class ClientFaultLogFilter extends TurboFilter {

	private static final String INTERCEPTORS = BaseInterceptorService.class.getName();
	private static final String SEARCHES = SearchTask.class.getName();

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		if (level != Level.ERROR || logger == null) {
			return FilterReply.NEUTRAL;
		}
		String name = logger.getName();
		if (!INTERCEPTORS.equals(name) && !SEARCHES.equals(name)) {
			return FilterReply.NEUTRAL;
		}
		Throwable thrown = t != null ? t
				: params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
		boolean clientsMistake = thrown instanceof BaseServerResponseException response && response.getStatusCode() < 500
				|| SEARCHES.equals(name) && thrown instanceof DataFormatException;
		return clientsMistake ? FilterReply.DENY : FilterReply.NEUTRAL;
	}
}
