package uk.childlink.access.authentication;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import uk.childlink.access.AccessProperties;
import uk.childlink.access.Caller;
import uk.childlink.access.SmartScopes;
import uk.childlink.platform.Pipeline;

/**
 * Puts the {@link Caller} on each FHIR request, from the token Spring Security has checked (signature, issuer,
 * expiry) and the break-glass header. Claim names come from {@code childlink.access.claims}.
 */
@Interceptor(order = Pipeline.Order.AUTHENTICATION)
final class TokenCallers {

	static final int MAX_REASON = 500;

	private final AccessProperties.Claims claims;
	private final String breakGlassHeader;

	TokenCallers(AccessProperties properties) {
		this.claims = properties.claims();
		this.breakGlassHeader = properties.breakGlassHeader();
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void attach(RequestDetails request) {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth instanceof JwtAuthenticationToken token) {
			caller(token.getToken(), request.getHeader(breakGlassHeader)).attachTo(request);
		}
	}

	Caller caller(Jwt jwt, String breakGlass) {
		String reason = breakGlass == null || breakGlass.isBlank() ? null : breakGlass.strip();
		if (reason != null && reason.length() > MAX_REASON) {
			reason = reason.substring(0, MAX_REASON);
		}
		String clientId = jwt.getClaimAsString(claims.clientId());
		if (clientId == null) {
			clientId = jwt.getClaimAsString("azp");
		}
		String scope = words(jwt.getClaim("scope"));
		if (scope.isEmpty()) {
			scope = words(jwt.getClaim("scp"));
		}
		Set<String> roles = new LinkedHashSet<>(java.util.List.of(words(jwt.getClaim(claims.roles())).split("\\s+")));
		roles.remove("");
		return new Caller(jwt.getClaimAsString(JwtClaimNames.ISS), jwt.getSubject(), clientId,
				organisation(jwt.getClaimAsString(claims.organisation())), jwt.getClaimAsString(claims.agency()),
				Set.copyOf(roles), SmartScopes.parse(scope), reason);
	}

	private Identifier organisation(String claim) {
		if (claim == null || claim.isBlank()) {
			return null;
		}
		if (claims.organisationSystem() != null && !claims.organisationSystem().isBlank()) {
			return new Identifier().setSystem(claims.organisationSystem()).setValue(claim.strip());
		}
		int bar = claim.indexOf('|');
		if (bar <= 0 || bar == claim.length() - 1) {
			return null; // not system|value: the caller then acts for no organisation, and is told so when it matters
		}
		return new Identifier().setSystem(claim.substring(0, bar)).setValue(claim.substring(bar + 1));
	}

	/** A claim that is a space-separated string or a list, as one space-separated string. */
	private static String words(Object claim) {
		if (claim instanceof Collection<?> list) {
			return String.join(" ", list.stream().map(String::valueOf).toList());
		}
		return claim == null ? "" : claim.toString().strip();
	}
}
