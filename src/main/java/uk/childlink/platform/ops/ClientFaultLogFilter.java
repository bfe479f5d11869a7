package uk.childlink.platform.ops;

import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the log's ERROR level for faults of the server. HAPI logs every exception an interceptor throws at ERROR with
 * its stack trace, including the 4xx answers ChildLink's rules give on purpose (a 422 from validation, a 403 from the
 * access rules); the same refusal is logged again at WARN, in one line, when it is answered. So an ERROR from the
 * interceptor service about a client's mistake (a 4xx exception) is dropped; everything else is logged as before.
 */
final class ClientFaultLogFilter extends TurboFilter {

	private static final String INTERCEPTORS = BaseInterceptorService.class.getName();

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		if (level != Level.ERROR || logger == null || !INTERCEPTORS.equals(logger.getName())) {
			return FilterReply.NEUTRAL;
		}
		Throwable thrown = t != null ? t
				: params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
		return thrown instanceof BaseServerResponseException response && response.getStatusCode() < 500
				? FilterReply.DENY : FilterReply.NEUTRAL;
	}
}
