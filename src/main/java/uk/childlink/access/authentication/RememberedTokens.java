package uk.childlink.access.authentication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers tokens already decoded and verified, for a few minutes: a client sends the same token with every request,
 * and decoding it again (Nimbus's constant-time Base64 and the RSA signature check) was about 14% of the server's CPU
 * for a read of a child (JFR, docs/performance.md). A remembered token is checked again by the validators (expiry,
 * not-before, issuer, audience) at every use; only the signature check, which cannot change for the same token
 * string, is not repeated. Tokens that fail are not remembered.
 */
final class RememberedTokens implements JwtDecoder {

	private final JwtDecoder decoder;
	private final OAuth2TokenValidator<Jwt> validator;
	private final Cache<String, Jwt> verified;

	RememberedTokens(JwtDecoder decoder, OAuth2TokenValidator<Jwt> validator, Duration remember, long maximum) {
		this.decoder = decoder;
		this.validator = validator;
		this.verified = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(maximum).build();
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt known = verified.getIfPresent(token);
		if (known == null) {
			Jwt jwt = decoder.decode(token);
			verified.put(token, jwt);
			return jwt;
		}
		OAuth2TokenValidatorResult result = validator.validate(known);
		if (result.hasErrors()) {
			verified.invalidate(token);
			throw new JwtValidationException(result.getErrors().iterator().next().getDescription(), result.getErrors());
		}
		return known;
	}
}
