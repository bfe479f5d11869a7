package uk.childlink.access.authentication;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * What a caller without a good token hears, before HAPI sees the request: 401 (or 403) with the
 * {@code WWW-Authenticate} header of RFC 6750, and a FHIR OperationOutcome saying what was wrong.
 */
final class OperationOutcomes {

	private OperationOutcomes() {}

	static AuthenticationEntryPoint unauthenticated(FhirContext fhir) {
		BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
		return (request, response, exception) -> {
			bearer.commence(request, response, exception);
			write(fhir, response, OperationOutcome.IssueType.LOGIN, message(exception));
		};
	}

	static AccessDeniedHandler denied(FhirContext fhir) {
		BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();
		return (request, response, exception) -> {
			bearer.handle(request, response, exception);
			write(fhir, response, OperationOutcome.IssueType.FORBIDDEN, denial(exception));
		};
	}

	/**
	 * A request Spring Security's firewall refuses before anything else (an encoded {@code %} or {@code /} in the
	 * path, {@code //}, {@code ..}): 400 with the reason, as an OperationOutcome.
	 */
	static RequestRejectedHandler rejected(FhirContext fhir) {
		return (request, response, exception) -> {
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			write(fhir, response, OperationOutcome.IssueType.INVALID, "The request was refused before it reached the "
					+ "FHIR server: " + exception.getMessage());
		};
	}

	private static String message(AuthenticationException exception) {
		if (exception instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null) {
			return "The bearer token was refused: " + oauth.getError().getDescription();
		}
		return "This request needs an OAuth2 bearer token (Authorization: Bearer <token>) from the identity provider "
				+ "this server trusts; see the README's \"Access\" section";
	}

	private static String denial(AccessDeniedException exception) {
		return "Not permitted: " + exception.getMessage();
	}

	private static void write(FhirContext fhir, HttpServletResponse response, OperationOutcome.IssueType type,
			String text) throws IOException {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(text);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.getWriter().write(fhir.newJsonParser().encodeResourceToString(outcome));
	}
}
