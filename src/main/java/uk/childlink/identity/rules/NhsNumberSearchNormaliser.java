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
		String value = chained.getValue();
		String stored = value == null ? null : asStored(lastLink(chain), value);
		if (stored != null && !stored.equals(value)) {
			String type = chained.getResourceType();
			chained.setValueAsQueryToken(null, null, (type == null || type.isEmpty() ? "" : ":" + type) + "." + chain, stored);
		}
	}

	/** A token parameter holding an NHS number: {@code nhs-number}, or {@code identifier} with the NHS system. */
	private static boolean isNhsNumber(String name, String system) {
		return name.equals("nhs-number") || (name.equals("identifier") && IdentifierSystems.NHS_NUMBER.equals(system));
	}

	/**
	 * A searched value as written in a URL ({@code <system>|<value>}, or bare for {@code nhs-number}) as it is stored,
	 * for a parameter, or a chain's last link, called {@code name}.
	 */
	private static String asStored(String name, String searched) {
		if (name.equals("nhs-number")) {
			return normalise(searched);
		}
		return name.equals("identifier") && searched.startsWith(NHS_PREFIX)
				? NHS_PREFIX + normalise(searched.substring(NHS_PREFIX.length())) : searched;
	}

	private static String lastLink(String chain) {
		return chain.substring(chain.lastIndexOf('.') + 1);
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
			String name = lastLink(decode(nameAndValue[0]));
			if (!name.equals("identifier") && !name.equals("nhs-number")) {
				continue;
			}
			String[] values = decode(nameAndValue[1]).split(",", -1);
			for (int v = 0; v < values.length; v++) {
				values[v] = asStored(name, values[v]);
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
