package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {

	@TempDir
	Path dataDir;

	@Test
	void printsATokenSignedByTheDataDirectorysKeyWithTheClaimsAsked() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = TokenCommand.run(new String[] {"token", "--organisation", "school:100001", "--agency", "education",
				"--scope", "user/*.rs,system/Observation.cu", "--role", "break-glass", "--data-dir", dataDir.toString()},
				new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
		assertThat(status).isZero();
		SignedJWT jwt = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).strip());
		assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(AccessProperties.DEV_ISSUER);
		assertThat(jwt.getJWTClaimsSet().getStringClaim("organisation"))
				.isEqualTo("https://fhir.hl7.org.uk/Id/urn-school-number|100001");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("user/*.rs system/Observation.cu");
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("break-glass");
		Path key = dataDir.resolve("dev-issuer/signing-key.json");
		assertThat(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(
				com.nimbusds.jose.jwk.RSAKey.parse(Files.readString(key)).toRSAPublicKey()))).isTrue();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
	}

	@Test
	void aUsageErrorSaysWhatIsWrong() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = TokenCommand.run(new String[] {"token", "--organisation", "nowhere", "--scope", "user/*.rs",
				"--data-dir", dataDir.toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(status).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--organisation must be school:URN", "usage:");
		assertThat(TokenCommand.run(new String[] {"token", "--data-dir", dataDir.toString()}, System.out,
				new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
		assertThatThrownBy(() -> TokenCommand.organisation("la:")).isInstanceOf(IllegalArgumentException.class);
	}
}
