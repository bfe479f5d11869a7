package uk.childlink.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Who is asking, as their token says: the person or client, the organisation they act for, its agency, their
 * roles and SMART scopes, and a break-glass reason when they gave one. Put on each FHIR request by the access
 * module; other modules read it through {@link #of(RequestDetails)} and pass it on to the in-process requests they
 * make on the caller's behalf with {@link #carry}.
 *
 * @param issuer the token's {@code iss}
 * @param subject the token's {@code sub}: the person, or the client for a system client
 * @param clientId the OAuth client the request came through
 * @param organisation the organisation the caller acts for (ODS code, school URN or LA number), if the token says
 * @param agency the organisation's agency (a code of {@code https://fhir.childlink.uk/CodeSystem/agency}), if given
 * @param roles {@code admin}, {@code break-glass}, {@code analyst} (takes pseudonymised extracts)
 * @param scopes the SMART scopes granted
 * @param breakGlassReason the reason given for reading outside any relationship, or null
 */
public record Caller(
		String issuer,
		String subject,
		String clientId,
		Identifier organisation,
		String agency,
		Set<String> roles,
		SmartScopes scopes,
		String breakGlassReason) {

	public static final String ADMIN = "admin";
	public static final String BREAK_GLASS = "break-glass";
	public static final String ANALYST = "analyst";

	private static final String KEY = Caller.class.getName();
	private static final String VIA = KEY + ".via";

	/** The caller of a request; empty for the server's own work, public endpoints, and when access control is off. */
	public static Optional<Caller> of(RequestDetails request) {
		return request == null ? Optional.empty() : Optional.ofNullable((Caller) request.getUserData().get(KEY));
	}

	/** Makes {@code onBehalf} (an in-process request) the caller's, so that what it writes is audited as theirs. */
	public static <R extends RequestDetails> R carry(RequestDetails from, R onBehalf) {
		of(from).ifPresent(caller -> {
			onBehalf.getUserData().put(KEY, caller);
			onBehalf.getUserData().put(VIA, describe(from));
		});
		return onBehalf;
	}

	/** The caller's own request, as the audit trail records it: {@code GET Patient/123/$everything?...}. */
	public static String describe(RequestDetails request) {
		Object via = request.getUserData().get(VIA);
		if (via != null) {
			return (String) via;
		}
		String url = request.getCompleteUrl();
		String base = request.getFhirServerBase();
		if (url != null && base != null && url.startsWith(base)) {
			url = url.substring(Math.min(url.length(), base.length() + 1));
		}
		return request.getRequestType() + " " + (url == null ? request.getRequestPath() : url);
	}

	/** Used by the access module once it has checked the token. */
	public void attachTo(RequestDetails request) {
		request.getUserData().put(KEY, this);
	}

	public boolean isAdmin() {
		return roles.contains(ADMIN);
	}

	public boolean breaksGlass() {
		return breakGlassReason != null;
	}

	/** Whether the caller acts for the organisation with this identifier. */
	public boolean actsFor(String system, String value) {
		return organisation != null && system != null && value != null && system.equals(organisation.getSystem())
				&& value.equals(organisation.getValue());
	}

	/** {@code system|value} of the caller's organisation, or "no organisation". */
	public String organisationText() {
		return organisation == null ? "no organisation" : organisation.getSystem() + "|" + organisation.getValue();
	}
}
