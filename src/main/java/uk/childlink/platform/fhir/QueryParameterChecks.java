package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import uk.childlink.platform.FhirText;
import uk.childlink.platform.Pipeline;

/**
 * Checks of a request's parameters before HAPI acts on them, each for a 500 HAPI 8.8 would otherwise give:
 * <ul>
 * <li>{@code _filter} is not offered by this server (HAPI's filter support is off, and the CapabilityStatement does
 * not list it), yet HAPI parses a {@code _filter} before saying so, and its parser fails on some values;</li>
 * <li>{@code _count} and {@code _offset} are whole numbers, 0 or more (HAPI fails on a negative offset);</li>
 * <li>a parameter's name or value must be FHIR text ({@link FhirText}): U+0000 or a lone surrogate cannot even reach
 * PostgreSQL.</li>
 * </ul>
 */
@Interceptor(order = Pipeline.Order.REQUEST_CHECKS)
final class QueryParameterChecks {

	private static final Pattern COUNT = Pattern.compile("\\d{1,9}");

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void check(RequestDetails request) {
		for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
			String name = parameter.getKey();
			if (name.equals(Constants.PARAM_FILTER) || name.startsWith(Constants.PARAM_FILTER + ":")) {
				throw new InvalidRequestException(Constants.PARAM_FILTER + " is not supported by this server: search "
						+ "with the search parameters the CapabilityStatement lists for the type (GET /fhir/metadata)");
			}
			if ((name.equals(Constants.PARAM_COUNT) || name.equals(Constants.PARAM_OFFSET))
					&& Arrays.stream(parameter.getValue()).anyMatch(value -> !COUNT.matcher(value).matches())) {
				throw new InvalidRequestException(name + " is a whole number from 0 to 999999999, not "
						+ String.join(", ", parameter.getValue()));
			}
			String problem = FhirText.problem(name);
			for (String value : parameter.getValue()) {
				problem = problem != null || value == null ? problem : FhirText.problem(value);
			}
			if (problem != null) {
				throw new InvalidRequestException("Parameter " + FhirText.escaped(name) + ": " + problem);
			}
		}
	}

}
