package uk.childlink.access.authentication;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.JOSEException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import uk.childlink.access.AccessProperties;
import uk.childlink.platform.PlatformProperties;

/**
 * Authentication (Spring Security's OAuth2 resource server): every request needs a signed JWT from the configured
 * issuer, except the CapabilityStatement, the SMART configuration and the operations endpoints (health, info,
 * metrics). With {@code childlink.access.mode=off} nothing is checked, and the server says so at every start.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

	static final List<String> PUBLIC = List.of("/fhir/metadata", "/fhir/.well-known/smart-configuration",
			"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus", "/error");

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, AccessProperties access, PlatformProperties platform,
			FhirContext fhir, @Value("${spring.datasource.url:}") String externalDatabase) throws Exception {
		http.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.requestCache(AbstractHttpConfigurer::disable)
				.formLogin(AbstractHttpConfigurer::disable)
				.httpBasic(AbstractHttpConfigurer::disable)
				.logout(AbstractHttpConfigurer::disable)
				.anonymous(AbstractHttpConfigurer::disable);
		if (access.mode() == AccessProperties.Mode.off) {
			log.warn("ACCESS CONTROL IS OFF (childlink.access.mode=off): anyone who can reach this server reads and "
					+ "writes every child's record, and nothing is audited. Never run it so with real data.");
			return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
		}
		List<RequestMatcher> open = new ArrayList<>();
		PUBLIC.forEach(path -> open.add(PathPatternRequestMatcher.withDefaults().matcher(path)));
		JwtDecoder decoder = decoder(access, platform, externalDatabase);
		http.authorizeHttpRequests(a -> a.requestMatchers(new OrRequestMatcher(open)).permitAll()
						.anyRequest().authenticated())
				.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(decoder))
						.authenticationEntryPoint(OperationOutcomes.unauthenticated(fhir))
						.accessDeniedHandler(OperationOutcomes.denied(fhir)))
				.exceptionHandling(e -> e.authenticationEntryPoint(OperationOutcomes.unauthenticated(fhir))
						.accessDeniedHandler(OperationOutcomes.denied(fhir)));
		return http.build();
	}

	@Bean
	RequestRejectedHandler requestRejectedHandler(FhirContext fhir) {
		return OperationOutcomes.rejected(fhir);
	}

	private static JwtDecoder decoder(AccessProperties access, PlatformProperties platform, String externalDatabase)
			throws JOSEException {
		NimbusJwtDecoder decoder;
		String issuer;
		if (access.usesDevIssuer()) {
			boolean embedded = externalDatabase == null || externalDatabase.isBlank();
			if (!(access.devIssuer() == null ? embedded : access.devIssuer())) {
				throw new IllegalStateException("No identity provider is configured (childlink.access.issuer-uri), and "
						+ "the development issuer is only trusted with the embedded PostgreSQL: set "
						+ "CHILDLINK_ACCESS_ISSUERURI to your identity provider (or, for a test bench only, "
						+ "CHILDLINK_ACCESS_DEVISSUER=true). See docs/access.md");
			}
			issuer = AccessProperties.DEV_ISSUER;
			decoder = NimbusJwtDecoder.withPublicKey(DevIssuer.key(platform.dataDir()).toRSAPublicKey()).build();
			log.warn("Tokens are checked against the development issuer, whose key is {}: for local use and tests. "
					+ "Name your identity provider with childlink.access.issuer-uri for anything else.",
					DevIssuer.keyFile(platform.dataDir()).toAbsolutePath());
		} else {
			issuer = access.issuerUri().toString();
			decoder = access.jwkSetUri() != null
					? NimbusJwtDecoder.withJwkSetUri(access.jwkSetUri().toString()).build()
					: NimbusJwtDecoder.withIssuerLocation(issuer).build();
			log.info("Tokens are checked against issuer {}", issuer);
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(JwtValidators.createDefaultWithIssuer(issuer));
		if (access.audience() != null && !access.audience().isBlank()) {
			validators.add(new JwtClaimValidator<List<String>>("aud",
					aud -> aud != null && aud.contains(access.audience())));
		}
		OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
		decoder.setJwtValidator(validator);
		// the issuer stays a string: it need not be a URL (the development issuer's is a URN), and a token whose
		// iss cannot be converted must be refused (401) by the issuer check, not fail in conversion (500)
		decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
				Map.of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString())));
		return new RememberedTokens(decoder, validator, Duration.ofMinutes(5), 10_000);
	}
}
