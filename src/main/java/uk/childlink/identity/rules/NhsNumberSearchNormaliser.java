package uk.childlink.identity.rules;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.dao.PreVerifyConditionalMatchCriteriaRequest;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.NhsNumber;
import uk.childlink.platform.Pipeline;

/**
 * NHS numbers are stored as ten bare digits; this lets searches and conditional URLs use the written forms too
 * ({@code 943 476 5919}, {@code 943-476-5919}), as writes may, also at the end of a chain ({@code
 * Observation?subject:Patient.identifier=...}). Values that are not valid NHS numbers are left as they are (and so
 * match nothing).
 */
@Interceptor(order = Pipeline.Order.SEARCH_IDENTIFIERS)
class NhsNumberSearchNormaliser {

	private static final String NHS_PREFIX = IdentifierSystems.NHS_NUMBER + "|";

	/** Every search, including the ones behind conditional creates, updates and deletes. */
	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void normaliseSearch(SearchParameterMap map) {
		for (var parameter : map.entrySet()) {
			String name = parameter.getKey();
			for (List<IQueryParameterType> or : parameter.getValue()) {
				for (IQueryParameterType value : or) {
					if (value instanceof TokenParam token && isNhsNumber(name, token.getSystem())) {
						token.setValue(normalise(token.getValue()));
					} else if (value instanceof ReferenceParam chained && chained.hasChain()) {
						normaliseChained(chained);
					}
				}
			}
		}
	}

	/**
	 * A chain ending at the child's NHS number ({@code subject:Patient.identifier=nhs|...}, {@code
	 * patient.nhs-number=...}). HAPI keeps the chained value as a string, set again here with the same qualifier (in
	 * place: the parameter's list may be one HAPI cannot change).
	 */
	private static void normaliseChained(ReferenceParam chained) {
		String chain = chained.getChain();
		String last = chain.substring(chain.lastIndexOf('.') + 1);
		String value = chained.getValue();
		if (value == null || !isNhsNumber(last, value.startsWith(NHS_PREFIX) ? IdentifierSystems.NHS_NUMBER : null)) {
			return;
		}
		String digits = last.equals("nhs-number") ? normalise(value)
				: NHS_PREFIX + normalise(value.substring(NHS_PREFIX.length()));
		if (!digits.equals(value)) {
			String type = chained.getResourceType();
			chained.setValueAsQueryToken(null, null, (type == null || type.isEmpty() ? "" : ":" + type) + "." + chain, digits);
		}
	}

	/** The parameter, or the last link of a chain, holds an NHS number. */
	private static boolean isNhsNumber(String name, String system) {
		return name.equals("nhs-number") || (name.equals("identifier") && IdentifierSystems.NHS_NUMBER.equals(system));
	}

	/** The conditional URL HAPI checks the stored resource against after a conditional write. */
	@Hook(Pointcut.STORAGE_PREVERIFY_CONDITIONAL_MATCH_CRITERIA)
	public void normaliseConditionalUrl(PreVerifyConditionalMatchCriteriaRequest request) {
		try {
			request.setConditionalUrl(normaliseUrl(request.getConditionalUrl()));
		} catch (IllegalArgumentException malformedEscape) {
			// left as it came: HAPI's own parsing of the URL reports it to the client
		}
	}

	/** A match URL, {@code Patient?identifier=...}, or just its query ({@code identifier=...}, as in ifNoneExist). */
	static String normaliseUrl(String url) {
		if (url == null || url.isEmpty()) {
			return url;
		}
		int query = url.indexOf('?');
		if (query < 0 && !url.contains("=")) {
			return url;
		}
		String[] parameters = url.substring(query + 1).split("&");
		for (int i = 0; i < parameters.length; i++) {
			String[] nameAndValue = parameters[i].split("=", 2);
			if (nameAndValue.length < 2) {
				continue;
			}
			String qualified = decode(nameAndValue[0]);
			String name = qualified.substring(qualified.lastIndexOf('.') + 1); // a chain's last link
			if (!name.equals("identifier") && !name.equals("nhs-number")) {
				continue;
			}
			String[] values = decode(nameAndValue[1]).split(",", -1);
			for (int v = 0; v < values.length; v++) {
				if (name.equals("nhs-number")) {
					values[v] = normalise(values[v]);
				} else if (values[v].startsWith(NHS_PREFIX)) {
					values[v] = NHS_PREFIX + normalise(values[v].substring(NHS_PREFIX.length()));
				}
			}
			parameters[i] = nameAndValue[0] + "=" + URLEncoder.encode(String.join(",", values), StandardCharsets.UTF_8);
		}
		return url.substring(0, query + 1) + String.join("&", parameters);
	}

	private static String normalise(String value) {
		return NhsNumber.isValid(value) ? NhsNumber.parse(value).value() : value;
	}

	private static String decode(String text) {
		return URLDecoder.decode(text, StandardCharsets.UTF_8);
	}
}
