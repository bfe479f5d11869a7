package uk.childlink.access;

/**
 * Whether an organisation may see a child's record now: one of the access policy's relationships holds between them
 * today (any organisation, with access control off). For the server's own work that tells organisations about a
 * child (the signals), which must reach only those the access rules let see the child.
 */
@FunctionalInterface
public interface RelatedOrganisations {

	/** Whether the organisation ({@code Organization} id) has a relationship with the child ({@code Patient} id). */
	boolean holds(String childId, String organisationId);
}
