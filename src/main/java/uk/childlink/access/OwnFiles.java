package uk.childlink.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Files the server writes for one caller (a bulk export's Binary resources): each carries the tag
 * {@value #TAG_SYSTEM} with its owner's key, and the read rules show it to that caller alone, whatever path reads it
 * (a read, a batch, history, a page). The key is a digest of the token's issuer and subject, so the tag names no one.
 */
public final class OwnFiles {

	public static final String TAG_SYSTEM = "https://fhir.childlink.uk/file-owner";

	private OwnFiles() {}

	/** The caller's key as a file's owner. */
	public static String ownerOf(Caller caller) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest((Objects.toString(caller.issuer(), "") + "|"
					+ Objects.toString(caller.subject(), "")).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
