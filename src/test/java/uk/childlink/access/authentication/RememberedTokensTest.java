package uk.childlink.access.authentication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class RememberedTokensTest {

	private static final Instant ISSUED = Instant.parse("2026-11-26T10:00:00Z");

	private final AtomicInteger decoded = new AtomicInteger();
	private final JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);

	/** Stands for the verifying decoder: "good" tokens decode to a JWT expiring 10 minutes after issue. */
	private final JwtDecoder verifying = token -> {
		decoded.incrementAndGet();
		if (!token.startsWith("good")) {
			throw new BadJwtException("signature does not match");
		}
		return Jwt.withTokenValue(token).header("alg", "RS256").subject("someone").issuedAt(ISSUED)
				.expiresAt(ISSUED.plus(Duration.ofMinutes(10))).build();
	};

	@Test
	void aTokenIsVerifiedOnceAndItsExpiryCheckedAtEveryUse() {
		RememberedTokens tokens = new RememberedTokens(verifying, timestamps, Duration.ofMinutes(5), 100);
		timestamps.setClock(Clock.fixed(ISSUED.plusSeconds(60), ZoneOffset.UTC));

		assertThat(tokens.decode("good-1").getSubject()).isEqualTo("someone");
		assertThat(tokens.decode("good-1").getSubject()).isEqualTo("someone");
		assertThat(decoded).hasValue(1);

		timestamps.setClock(Clock.fixed(ISSUED.plus(Duration.ofMinutes(11)), ZoneOffset.UTC));
		assertThatThrownBy(() -> tokens.decode("good-1")).isInstanceOf(JwtValidationException.class)
				.hasMessageContaining("expired");
	}

	@Test
	void aTokenThatFailsIsNotRemembered() {
		RememberedTokens tokens = new RememberedTokens(verifying, timestamps, Duration.ofMinutes(5), 100);

		assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
		assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
		assertThat(decoded).hasValue(2);
	}
}
