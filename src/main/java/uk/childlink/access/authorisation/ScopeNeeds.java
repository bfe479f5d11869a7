package uk.childlink.access.authorisation;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import java.util.Map;
import uk.childlink.access.Caller;

/**
 * What the caller's SMART scopes must grant for an interaction or operation: the gate's table, as data. An operation
 * not listed is for an admin.
 */
final class ScopeNeeds {

	private ScopeNeeds() {}

	/** A SMART v2 interaction, with the letter its scopes use ({@code user/Patient.rs}). */
	enum Access {
		CREATE('c', "create"), READ('r', "read"), UPDATE('u', "update"), DELETE('d', "delete"), SEARCH('s', "search");

		final char letter;
		final String verb;

		Access(char letter, String verb) {
			this.letter = letter;
			this.verb = verb;
		}
	}

	/** One scope an operation needs: this access to this type. */
	record Need(String type, Access access) {}

	/** What an operation needs: an admin's role, and these scopes. */
	record Operation(boolean admin, List<Need> scopes) {
		static Operation of(Need... scopes) {
			return new Operation(false, List.of(scopes));
		}

		static Operation adminWith(Need... scopes) {
			return new Operation(true, List.of(scopes));
		}
	}

	private static final Need PATIENT_READ = new Need("Patient", Access.READ);
	private static final Need OBSERVATION_READ = new Need("Observation", Access.READ);

	/** The operations a non-admin may call, and what each needs (terminology and {@code $validate}: nothing more). */
	static final Map<String, Operation> OPERATIONS = Map.ofEntries(
			Map.entry("$everything", Operation.of(PATIENT_READ)),
			Map.entry("$attendance", Operation.of(PATIENT_READ, OBSERVATION_READ)),
			Map.entry("$match", Operation.of(new Need("Patient", Access.SEARCH))),
			Map.entry("$merge", Operation.adminWith(new Need("Patient", Access.UPDATE))),
			Map.entry("$import-ctf", Operation.of(new Need("Patient", Access.CREATE), new Need("Patient", Access.UPDATE),
					new Need("Observation", Access.CREATE), new Need("Observation", Access.UPDATE))),
			Map.entry("$import-attendance", Operation.of(new Need("Observation", Access.CREATE),
					new Need("Observation", Access.UPDATE))),
			Map.entry("$validate", Operation.of()),
			Map.entry("$expand", Operation.of()),
			Map.entry("$lookup", Operation.of()),
			Map.entry("$validate-code", Operation.of()),
			Map.entry("$translate", Operation.of()),
			Map.entry("$subsumes", Operation.of()),
			Map.entry("$meta", Operation.of()),
			Map.entry("$status", Operation.of(new Need("Subscription", Access.READ))),
			Map.entry("$children-missing-education", Operation.of(new Need("Patient", Access.SEARCH))),
			Map.entry("$reviews-overdue", Operation.of(new Need("Patient", Access.SEARCH))),
			Map.entry("$pupils-joined", Operation.of(new Need("Patient", Access.SEARCH))),
			Map.entry("$household", Operation.of(PATIENT_READ)),
			Map.entry("$evaluate-measure", Operation.of(new Need("MeasureReport", Access.READ))),
			// a bulk export of the children the caller's organisation is related to (population/export); its files
			// are Binary resources, read with Binary read
			Map.entry("$export", Operation.of(PATIENT_READ, new Need("Patient", Access.SEARCH))),
			Map.entry("$export-poll-status", Operation.of(PATIENT_READ)));

	private static final Operation ADMIN_ONLY = Operation.adminWith();

	/** Refuses (403) an operation the caller's role or scopes do not allow. */
	static void operation(Caller caller, String name) {
		if ("$expunge".equals(name)) {
			// on only so that the export files are removed for good (population/export); expunging records would
			// leave the server's own tables (relationships, attendance counts, signals) describing what is gone
			throw new ForbiddenOperationException("$expunge is not offered: delete a record instead (an admin)");
		}
		Operation needs = OPERATIONS.getOrDefault(name, ADMIN_ONLY);
		if (needs.admin() && !caller.isAdmin()) {
			throw new ForbiddenOperationException(name + " is for an admin only (a token with the " + Caller.ADMIN
					+ " role)");
		}
		for (Need need : needs.scopes()) {
			if (!caller.scopes().permits(need.type(), need.access().letter)) {
				throw new ForbiddenOperationException(name + " needs the scope user/" + need.type() + "."
						+ need.access().letter + " (or system/...); your token grants: " + shown(caller));
			}
		}
	}

	/** Refuses (403) an interaction on a type the caller's scopes do not allow. */
	static void need(Caller caller, String type, Access access) {
		if (type != null && !caller.scopes().permits(type, access.letter)) {
			throw new ForbiddenOperationException("Your token's scopes do not allow " + access.verb + " of " + type
					+ " (it needs user/" + type + "." + access.letter + " or system/" + type + "." + access.letter
					+ "); your token grants: " + shown(caller));
		}
	}

	private static String shown(Caller caller) {
		return caller.scopes().isEmpty() ? "no SMART scopes" : caller.scopes().toString();
	}
}
