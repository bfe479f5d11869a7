package uk.childlink.access;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the access module (prefix {@code childlink.access}). Each one is listed, with its environment variable,
 * in the README's configuration table; {@code docs/access.md} explains them.
 *
 * @param mode {@code on} (every request to {@code /fhir} needs a token) or {@code off} (no checks at all: only for a
 *     closed test bench; the server warns at every start)
 * @param issuerUri the identity provider's issuer; empty means the development issuer, whose keys live in the data
 *     directory ({@code dataDir/dev-issuer})
 * @param devIssuer whether the development issuer may be used: unset means only with the embedded PostgreSQL (a
 *     laptop), so that a server on a shared database never trusts keys kept in a directory
 * @param jwkSetUri where the issuer publishes its keys; empty means OpenID discovery from {@code issuerUri} at start
 * @param audience when set, tokens must name it in {@code aud}
 * @param authorizeEndpoint published in the SMART configuration and CapabilityStatement (the identity provider's)
 * @param tokenEndpoint likewise
 * @param claims which token claims carry the caller's organisation, agency, roles and client
 * @param relationshipCheck how often the relationships that ended by time alone are removed from the search narrowing
 *     (reads check them to the day whatever this is), and any child whose access grants are out of step repaired
 * @param breakGlassHeader the request header carrying a break-glass reason
 * @param auditRetention how long the audit trail keeps a record; older ones are removed once a day
 */
@Validated
@ConfigurationProperties("childlink.access")
public record AccessProperties(
		@NotNull @DefaultValue("on") Mode mode,
		URI issuerUri,
		Boolean devIssuer,
		URI jwkSetUri,
		String audience,
		URI authorizeEndpoint,
		URI tokenEndpoint,
		@NotNull @DefaultValue Claims claims,
		@NotNull @DefaultValue("15m") Duration relationshipCheck,
		@NotBlank @DefaultValue("X-Break-Glass-Reason") String breakGlassHeader,
		@NotNull @DefaultValue("P8Y") Period auditRetention) {

	/** The development issuer's name, in tokens it signs ({@code iss}). */
	public static final String DEV_ISSUER = "urn:childlink:dev-issuer";

	public enum Mode { on, off }

	/**
	 * Claim names. {@code organisationSystem}: when set, the organisation claim holds a bare code of that identifier
	 * system (e.g. an ODS code); otherwise it holds {@code system|value}.
	 */
	public record Claims(
			@NotBlank @DefaultValue("organisation") String organisation,
			String organisationSystem,
			@NotBlank @DefaultValue("agency") String agency,
			@NotBlank @DefaultValue("roles") String roles,
			@NotBlank @DefaultValue("client_id") String clientId) {}

	/** Whether no identity provider is configured, so tokens come from the development issuer. */
	public boolean usesDevIssuer() {
		return issuerUri == null || issuerUri.toString().isBlank();
	}
}
