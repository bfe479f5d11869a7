package uk.childlink.access.authorisation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.util.Map;
import uk.childlink.access.Caller;

/**
 * The first check of each request, before HAPI runs it: do the caller's SMART scopes allow this interaction on this
 * type (read, search, create, update, delete, and for each operation what it does), may they break the glass, and
 * is it an attempt to change the audit trail. Writes are checked again, resource by resource, by {@link WriteRules};
 * what a read returns, by {@link ReadRules}.
 */
@Interceptor(order = AuthorizationConstants.ORDER_CONSENT_INTERCEPTOR - 10)
final class RequestGate {

	/** What each operation needs: type + interactions, or "admin". Operations not listed need an admin. */
	static final Map<String, String[]> OPERATIONS = Map.ofEntries(
			Map.entry("$everything", new String[] {"Patient.r"}),
			Map.entry("$attendance", new String[] {"Patient.r", "Observation.r"}),
			Map.entry("$match", new String[] {"Patient.s"}),
			Map.entry("$merge", new String[] {"admin", "Patient.u"}),
			Map.entry("$import-ctf", new String[] {"Patient.c", "Patient.u", "Observation.c", "Observation.u"}),
			Map.entry("$import-attendance", new String[] {"Observation.c", "Observation.u"}),
			Map.entry("$validate", new String[0]),
			Map.entry("$expand", new String[0]),
			Map.entry("$lookup", new String[0]),
			Map.entry("$validate-code", new String[0]),
			Map.entry("$translate", new String[0]),
			Map.entry("$subsumes", new String[0]),
			Map.entry("$meta", new String[0]));

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void check(RequestDetails request, RestOperationTypeEnum operation) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null) {
			return;
		}
		String type = request.getResourceName();
		if (caller.breaksGlass()) {
			if (!caller.roles().contains(Caller.BREAK_GLASS)) {
				throw new ForbiddenOperationException("You gave a break-glass reason, but your token does not carry "
						+ "the " + Caller.BREAK_GLASS + " role; nothing was read");
			}
			if (caller.scopes().systemOnly()) {
				throw new ForbiddenOperationException("Only a person breaks the glass, not an integration client");
			}
		}
		if ("AuditEvent".equals(type) && !isRead(operation)) {
			throw new ForbiddenOperationException("The audit trail is written by the server only: it cannot be created, "
					+ "changed or deleted through the API");
		}
		switch (operation) {
			case READ, VREAD, HISTORY_INSTANCE, META -> need(caller, type, 'r', operation);
			case SEARCH_TYPE, HISTORY_TYPE -> need(caller, type, 's', operation);
			case CREATE -> need(caller, type, 'c', operation);
			case UPDATE, PATCH, META_ADD, META_DELETE -> need(caller, type, 'u', operation);
			case DELETE -> need(caller, type, 'd', operation);
			case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
					operation(caller, request.getOperation());
			case GRAPHQL_REQUEST -> throw new ForbiddenOperationException("GraphQL is not offered with access control");
			default -> {} // system search/history, pages, transactions, batches: checked resource by resource
		}
		if (caller.isAdmin()) {
			ConsentInterceptor.skipAllConsentForRequest(request); // an admin sees everything (and is audited)
		}
	}

	private static boolean isRead(RestOperationTypeEnum operation) {
		return switch (operation) {
			case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM, GET_PAGE,
					META -> true;
			default -> false;
		};
	}

	private static void operation(Caller caller, String name) {
		String[] needs = OPERATIONS.get(name);
		if (needs == null) {
			needs = new String[] {"admin"};
		}
		for (String need : needs) {
			if (need.equals("admin")) {
				if (!caller.isAdmin()) {
					throw new ForbiddenOperationException(name + " is for an admin only (a token with the "
							+ Caller.ADMIN + " role)");
				}
				continue;
			}
			String type = need.substring(0, need.indexOf('.'));
			char interaction = need.charAt(need.length() - 1);
			if (!caller.scopes().permits(type, interaction)) {
				throw new ForbiddenOperationException(name + " needs the scope user/" + type + "." + interaction
						+ " (or system/...); your token grants: " + shown(caller));
			}
		}
	}

	static void need(Caller caller, String type, char interaction, Object what) {
		if (type != null && !caller.scopes().permits(type, interaction)) {
			throw new ForbiddenOperationException("Your token's scopes do not allow " + verb(interaction) + " of " + type
					+ " (it needs user/" + type + "." + interaction + " or system/" + type + "." + interaction
					+ "); your token grants: " + shown(caller));
		}
	}

	static String verb(char interaction) {
		return switch (interaction) {
			case 'c' -> "create";
			case 'r' -> "read";
			case 'u' -> "update";
			case 'd' -> "delete";
			default -> "search";
		};
	}

	private static String shown(Caller caller) {
		return caller.scopes().isEmpty() ? "no SMART scopes" : caller.scopes().toString();
	}
}
