package uk.childlink.population.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each recipient's pseudonym key: HMAC-SHA256 of the recipient organisation ({@code system|value}) under the server's
 * secret ({@code cl_pseudonym_secret}, made once, shared by every process). Knowing one recipient's pseudonyms tells
 * nothing of another's, and the secret never leaves the database.
 */
final class PseudonymKeys {

	private final JdbcTemplate sql;
	private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
	private volatile byte[] secret;

	PseudonymKeys(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	/** A new Pseudonymiser for the recipient (one per resource: it is not thread-safe). */
	Pseudonymiser forRecipient(String recipient) {
		return new Pseudonymiser(keys.computeIfAbsent(recipient, this::derive));
	}

	private byte[] derive(String recipient) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
			return mac.doFinal(("childlink-pseudonyms|" + recipient).getBytes(StandardCharsets.UTF_8));
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
		}
	}

	private byte[] secret() {
		if (secret == null) {
			byte[] fresh = new byte[32];
			new SecureRandom().nextBytes(fresh);
			// the first process to need it makes it; any other reads that one
			sql.update("INSERT INTO cl_pseudonym_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", fresh);
			secret = sql.queryForObject("SELECT secret FROM cl_pseudonym_secret WHERE id = 1", byte[].class);
		}
		return secret;
	}
}
