package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.support.Fixtures;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;
import uk.childlink.support.ServerProcess;
import uk.childlink.support.Tokens;

/**
 * The packaged server as an operator configures it: with an identity provider of their own (its keys published at a
 * URL, an audience, an organisation claim of another name holding a bare ODS code), and with access control off.
 */
class AccessSettingsIT {

	private static final String ISSUER = "https://login.council.example.invalid/realms/childlink";
	private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

	@TempDir
	Path dir;

	@Test
	void anIdentityProviderOfTheOperatorsChoosingIsTrustedAndTheDevelopmentIssuerIsNot() throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
		HttpServer jwks = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		byte[] published = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		jwks.createContext("/jwks", exchange -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, published.length);
			exchange.getResponseBody().write(published);
			exchange.close();
		});
		jwks.start();
		try (ServerProcess server = ServerProcess.start(dir.resolve("data"), Map.of(
				"CHILDLINK_ACCESS_ISSUERURI", ISSUER,
				"CHILDLINK_ACCESS_JWKSETURI", "http://localhost:" + jwks.getAddress().getPort() + "/jwks",
				"CHILDLINK_ACCESS_AUDIENCE", "childlink",
				"CHILDLINK_ACCESS_CLAIMS_ORGANISATION", "org_code",
				"CHILDLINK_ACCESS_CLAIMS_ORGANISATIONSYSTEM", ODS))) {
			String admin = sign(key, ISSUER, "childlink", Map.of("scope", "user/*.cruds", "roles", List.of("admin")));
			RawHttp asAdmin = server.http().withToken(admin);
			String gp = id(asAdmin.send("POST", "/fhir/Organization", json(), encode(Records.healthProvider("A12345"))));
			String child = id(asAdmin.send("POST", "/fhir/Patient", json(),
					encode(Fixtures.child(Fixtures.nextNhsNumber(), "Provider", "Ivy", "2016-01-01"))));

			// the bare ODS code in org_code is the GP's: it records in its own name, and not in another's
			String doctor = sign(key, ISSUER, "childlink", Map.of("scope", "user/*.cruds", "org_code", "A12345",
					"agency", "health"));
			RawHttp asDoctor = server.http().withToken(doctor);
			assertThat(asDoctor.send("POST", "/fhir/Encounter", json(), encode(Records.contact(new Reference(child),
					new Reference(gp), "health-visitor-contact", "health", "2026-11-02"))).status()).isEqualTo(201);
			assertThat(asDoctor.get("/fhir/" + child).status()).isEqualTo(200);
			String otherOrg = sign(key, ISSUER, "childlink", Map.of("scope", "user/*.cruds", "org_code", "B99999",
					"agency", "health"));
			assertThat(server.http().withToken(otherOrg).send("POST", "/fhir/Encounter", json(),
					encode(Records.contact(new Reference(child), new Reference(gp), "health-visitor-contact", "health",
							"2026-11-02"))).status()).isEqualTo(403);

			// another audience, another issuer, or the development issuer's key: refused
			assertThat(server.http().withToken(sign(key, ISSUER, "another-api", Map.of("scope", "user/*.rs")))
					.get("/fhir/Patient?name=x").status()).isEqualTo(401);
			assertThat(server.http().withToken(sign(key, "https://elsewhere.invalid", "childlink",
					Map.of("scope", "user/*.rs"))).get("/fhir/Patient?name=x").status()).isEqualTo(401);
			assertThat(server.http().withToken(Tokens.admin()).get("/fhir/Patient?name=x").status()).isEqualTo(401);
			assertThat(server.log()).doesNotContain("ACCESS CONTROL IS OFF", "development issuer");
		} finally {
			jwks.stop(0);
		}
	}

	@Test
	void accessControlOffIsOnlyExplicitAndSaidAtStart() throws Exception {
		try (ServerProcess server = ServerProcess.start(dir.resolve("off"), "--childlink.access.mode=off")) {
			RawHttp anonymous = server.http().withToken("not-even-a-token");
			assertThat(anonymous.get("/fhir/Patient?name=x").status()).isEqualTo(200);
			assertThat(server.log()).contains("ACCESS CONTROL IS OFF");
		}
	}

	private static String sign(RSAKey key, String issuer, String audience, Map<String, Object> claims) throws Exception {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("idp-user")
				.issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)));
		claims.forEach(builder::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), builder.build());
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private static Map<String, String> json() {
		return Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json");
	}

	private static String encode(org.hl7.fhir.r4.model.Resource resource) {
		return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
	}

	private static String id(RawHttp.Response created) {
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String location = created.headers().get("location");
		return location.substring(location.indexOf("/fhir/") + 6, location.indexOf("/_history"));
	}
}
