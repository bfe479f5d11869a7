package uk.childlink.access.authentication;

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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * The development issuer: an RSA key kept in {@code dataDir/dev-issuer/signing-key.json} (made at first use, readable
 * by its owner only), which the server trusts when no identity provider is configured, and with which the
 * {@code token} command signs tokens. For a laptop and the tests; a real deployment names its identity provider.
 */
public final class DevIssuer {

	private DevIssuer() {}

	public static Path keyFile(Path dataDir) {
		return dataDir.resolve("dev-issuer").resolve("signing-key.json");
	}

	/** The key in the data directory, made now if there is none. */
	public static RSAKey key(Path dataDir) {
		Path file = keyFile(dataDir);
		try {
			if (!Files.exists(file)) {
				create(file);
			}
			return RSAKey.parse(Files.readString(file));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read or make the development issuer's key " + file + ": " + e.getMessage(), e);
		} catch (ParseException e) {
			throw new IllegalStateException(file + " is not an RSA key in JWK form (delete it to have a new one made): "
					+ e.getMessage(), e);
		}
	}

	/** Signs the claims (RS256) with the key. */
	public static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException("Cannot sign a token: " + e.getMessage(), e);
		}
	}

	private static void create(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		RSAKey key;
		try {
			key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException("Cannot make an RSA key: " + e.getMessage(), e);
		}
		Path temp = Files.createTempFile(file.getParent(), "signing-key", ".tmp");
		try {
			Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
		} catch (UnsupportedOperationException notPosix) {
			// Windows: the data directory's own permissions apply
		}
		Files.writeString(temp, key.toJSONString());
		try {
			Files.move(temp, file); // fails if another process made one meanwhile
		} catch (FileAlreadyExistsException raced) {
			Files.deleteIfExists(temp); // another process made one first: use theirs
		}
	}
}
