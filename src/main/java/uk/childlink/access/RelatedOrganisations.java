package uk.childlink.access;

import java.util.List;
import java.util.Optional;

/**
 * The organisations of the access rules, for the server's own work that tells organisations about a child (the
 * signals), which must reach only those the access rules let see the child.
 */
public interface RelatedOrganisations {

	/**
	 * Whether the organisation ({@code Organization} id) may see the child's record now: one of the access policy's
	 * relationships holds between them today (any organisation, with access control off).
	 */
	boolean holds(String childId, String organisationId);

	/** The id of the Organization the caller acts for (found by the identifier in their token); empty if none. */
	Optional<String> organisationOf(Caller caller);

	/** The children (Patient ids) the organisation has a relationship with today (none, with access control off). */
	List<String> childrenOf(String organisationId);
}
