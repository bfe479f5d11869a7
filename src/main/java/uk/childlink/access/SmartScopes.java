package uk.childlink.access;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART on FHIR scopes of a token: {@code user/Observation.rs}, {@code system/*.cruds}, and SMART v1's
 * {@code user/Patient.read} / {@code .write} / {@code .*}. A scope grants interactions on one resource type (or
 * {@code *}): c(reate), r(ead), u(pdate), d(elete), s(earch). {@code patient/} scopes (which need a launch context this
 * server does not offer) and v2's fine-grained scopes with a query ({@code ?category=...}) grant nothing; other words
 * in the scope claim ({@code openid}, {@code fhirUser}) are ignored.
 */
public final class SmartScopes {

	private static final Pattern SCOPE = Pattern.compile("(user|system|patient)/([A-Za-z]+|\\*)\\.([a-z*]+)");

	private record Grant(boolean system, String type, String interactions) {}

	private final List<Grant> grants;
	private final String text;

	private SmartScopes(List<Grant> grants, String text) {
		this.grants = grants;
		this.text = text;
	}

	public static SmartScopes parse(String scopeClaim) {
		List<Grant> grants = new ArrayList<>();
		String text = scopeClaim == null ? "" : scopeClaim.trim();
		for (String scope : text.split("\\s+")) {
			Matcher m = SCOPE.matcher(scope);
			if (!m.matches() || m.group(1).equals("patient")) {
				continue;
			}
			String interactions = switch (m.group(3)) {
				case "read" -> "rs";
				case "write" -> "cud";
				case "*" -> "cruds";
				default -> m.group(3).matches("c?r?u?d?s?") ? m.group(3) : "";
			};
			if (!interactions.isEmpty()) {
				grants.add(new Grant(m.group(1).equals("system"), m.group(2), interactions));
			}
		}
		return new SmartScopes(List.copyOf(grants), text);
	}

	/** Whether some scope grants {@code interaction} (one of c, r, u, d, s) on {@code resourceType}. */
	public boolean permits(String resourceType, char interaction) {
		char i = Character.toLowerCase(interaction);
		for (Grant g : grants) {
			if ((g.type.equals("*") || g.type.equals(resourceType)) && g.interactions.indexOf(i) >= 0) {
				return true;
			}
		}
		return false;
	}

	/** Whether the token's grants are all {@code system/} ones: an integration client rather than a person. */
	public boolean systemOnly() {
		return !grants.isEmpty() && grants.stream().allMatch(Grant::system);
	}

	public boolean isEmpty() {
		return grants.isEmpty();
	}

	@Override
	public String toString() {
		return text;
	}
}
