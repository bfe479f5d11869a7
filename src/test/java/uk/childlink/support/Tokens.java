package uk.childlink.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Tokens for the tests, signed with a key the tests generate and give the server as its development issuer's key
 * (written into the data directory before the server starts), and tokens the server must refuse: signed with
 * another key, from another issuer, expired, tampered with.
 */
public final class Tokens {

	public static final String ISSUER = "urn:childlink:dev-issuer";
	public static final String SCHOOL = "https://fhir.hl7.org.uk/Id/urn-school-number";
	public static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
	public static final String LA = "https://fhir.childlink.uk/Id/la-number";

	private static final RSAKey KEY = generate();
	private static final RSAKey STRANGER = generate();
	private static final String ADMIN = token().subject("test-admin").scope("user/*.cruds").role("admin").sign();

	private Tokens() {}

	/** Makes the tests' key the development issuer's key of a server that will use {@code dataDir}. */
	public static void install(Path dataDir) {
		try {
			Path file = dataDir.resolve("dev-issuer").resolve("signing-key.json");
			Files.createDirectories(file.getParent());
			Files.writeString(file, KEY.toJSONString());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** An admin with every scope: what the tests of other modules act as. */
	public static String admin() {
		return ADMIN;
	}

	public static Builder token() {
		return new Builder();
	}

	/** The client, sending the token with each request. */
	public static IGenericClient as(IGenericClient client, String token) {
		client.registerInterceptor(new BearerTokenAuthInterceptor(token));
		return client;
	}

	public static final class Builder {
		private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("tester")
				.jwtID(UUID.randomUUID().toString()).claim("client_id", "childlink-tests");
		private final List<String> scopes = new ArrayList<>();
		private final List<String> roles = new ArrayList<>();
		private Instant issued = Instant.now();
		private Duration life = Duration.ofHours(1);
		private RSAKey key = KEY;

		public Builder subject(String subject) {
			claims.subject(subject);
			return this;
		}

		public Builder organisation(String system, String value) {
			claims.claim("organisation", system + "|" + value);
			return this;
		}

		public Builder agency(String agency) {
			claims.claim("agency", agency);
			return this;
		}

		public Builder scope(String... scope) {
			scopes.addAll(List.of(scope));
			return this;
		}

		public Builder role(String role) {
			roles.add(role);
			return this;
		}

		public Builder issuer(String issuer) {
			claims.issuer(issuer);
			return this;
		}

		/** Issued {@code ago}, valid for {@code life}: expired when life is shorter. */
		public Builder issued(Duration ago, Duration life) {
			this.issued = Instant.now().minus(ago);
			this.life = life;
			return this;
		}

		/** Signed with a key the server does not trust. */
		public Builder signedByStranger() {
			this.key = STRANGER;
			return this;
		}

		public String sign() {
			claims.issueTime(Date.from(issued)).expirationTime(Date.from(issued.plus(life)))
					.claim("scope", String.join(" ", scopes));
			if (!roles.isEmpty()) {
				claims.claim("roles", roles);
			}
			try {
				SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
						claims.build());
				jwt.sign(new RSASSASigner(key));
				return jwt.serialize();
			} catch (JOSEException e) {
				throw new IllegalStateException(e);
			}
		}
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}
}
