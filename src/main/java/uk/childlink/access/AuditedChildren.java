package uk.childlink.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Children a request's answer concerns though it carries none of their records (a bulk export's kick-off, whose files
 * are written later): put on the request by the module that knows them, recorded in the request's audit record with
 * the children it shows, so that each child's council reads that the export took their data.
 */
public final class AuditedChildren {

	private static final String KEY = AuditedChildren.class.getName();

	private AuditedChildren() {}

	/** Adds children ({@code Patient/<id>}) to the request's audit record. */
	@SuppressWarnings("unchecked")
	public static void add(RequestDetails request, Collection<String> children) {
		((Set<String>) request.getUserData().computeIfAbsent(KEY, k -> new LinkedHashSet<String>())).addAll(children);
	}

	/** The children added to the request's audit record. */
	@SuppressWarnings("unchecked")
	public static Set<String> of(RequestDetails request) {
		Object added = request.getUserData().get(KEY);
		return added == null ? Set.of() : (Set<String>) added;
	}
}
