package uk.childlink.access;

import com.nimbusds.jwt.JWTClaimsSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.childlink.access.authentication.DevIssuer;
import uk.childlink.platform.CommandLine;

/**
 * {@code java -jar childlink.jar token --organisation school:100001 --agency education --scope user/*.rs}: prints a
 * token signed by the development issuer (the key in the data directory, made if there is none), for trying the
 * server locally. A real deployment's tokens come from its identity provider.
 */
public final class TokenCommand {

	/** This command for the jar's entry point ({@link CommandLine}). */
	public static final class Line implements CommandLine {
		@Override
		public boolean handles(String[] args) {
			return isToken(args);
		}

		@Override
		public int run(String[] args, PrintStream out, PrintStream err) {
			return TokenCommand.run(args, out, err);
		}
	}


	static final Map<String, String> SYSTEMS = Map.of(
			"school", "https://fhir.hl7.org.uk/Id/urn-school-number",
			"ods", "https://fhir.nhs.uk/Id/ods-organization-code",
			"la", "https://fhir.childlink.uk/Id/la-number",
			"ofsted", "https://fhir.childlink.uk/Id/ofsted-urn");

	private TokenCommand() {}

	public static boolean isToken(String[] args) {
		return args.length > 0 && args[0].equals("token");
	}

	/** Prints the token on {@code out}; returns the exit code (0, or 2 for a usage error told on {@code err}). */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		String organisation = null;
		String agency = null;
		List<String> scopes = new ArrayList<>();
		List<String> roles = new ArrayList<>();
		String subject = "developer";
		String client = "childlink-token-command";
		Duration life = Duration.ofHours(8);
		Path dataDir = Paths.get(System.getenv().getOrDefault("CHILDLINK_SERVER_DATA_DIR", "./data"));
		try {
			for (int i = 1; i < args.length; i++) {
				String value = i + 1 < args.length ? args[i + 1] : null;
				switch (args[i]) {
					case "--organisation", "--organization" -> organisation = organisation(required(args[i], value));
					case "--agency" -> agency = required(args[i], value);
					case "--scope" -> scopes.addAll(List.of(required(args[i], value).split("[\\s,]+")));
					case "--role" -> roles.addAll(List.of(required(args[i], value).split("[\\s,]+")));
					case "--subject" -> subject = required(args[i], value);
					case "--client" -> client = required(args[i], value);
					case "--minutes" -> life = Duration.ofMinutes(Long.parseLong(required(args[i], value)));
					case "--data-dir" -> dataDir = Paths.get(required(args[i], value));
					default -> throw new IllegalArgumentException("unknown option " + args[i]);
				}
				i++;
			}
			if (scopes.isEmpty()) {
				throw new IllegalArgumentException("give at least one --scope, e.g. --scope 'user/*.rs'");
			}
		} catch (IllegalArgumentException e) {
			err.println("token: " + e.getMessage());
			err.println("usage: token --organisation school:URN|ods:CODE|la:NUMBER|ofsted:URN|SYSTEM|VALUE --agency "
					+ "education|health|social-care|youth-justice|early-help|police --scope 'user/*.rs' [--role admin|break-glass|analyst] "
					+ "[--subject NAME] [--client ID] [--minutes 480] [--data-dir ./data]");
			return 2;
		}
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
				.issuer(AccessProperties.DEV_ISSUER)
				.subject(subject)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(life)))
				.jwtID(UUID.randomUUID().toString())
				.claim("scope", String.join(" ", scopes))
				.claim("client_id", client);
		if (organisation != null) {
			claims.claim("organisation", organisation);
		}
		if (agency != null) {
			claims.claim("agency", agency);
		}
		if (!roles.isEmpty()) {
			claims.claim("roles", roles);
		}
		out.println(DevIssuer.sign(DevIssuer.key(dataDir), claims.build()));
		return 0;
	}

	private static String required(String option, String value) {
		if (value == null || value.startsWith("--")) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return value;
	}

	/** {@code school:100001} and the like, or {@code system|value} as it is. */
	static String organisation(String given) {
		int colon = given.indexOf(':');
		if (colon > 0 && colon < given.length() - 1 && SYSTEMS.containsKey(given.substring(0, colon))) {
			return SYSTEMS.get(given.substring(0, colon)) + "|" + given.substring(colon + 1);
		}
		if (given.indexOf('|') > 0 && given.indexOf('|') < given.length() - 1) {
			return given;
		}
		throw new IllegalArgumentException("--organisation must be school:URN, ods:CODE, la:NUMBER, ofsted:URN or SYSTEM|VALUE, "
				+ "not " + given);
	}
}
