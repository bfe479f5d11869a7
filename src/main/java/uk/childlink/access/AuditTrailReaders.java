package uk.childlink.access;

/** Who reads a child's audit trail besides an admin: the policy's audit readers (the child's council). */
@FunctionalInterface
public interface AuditTrailReaders {

	/** Whether the caller may read the trail of the child ({@code Patient/<id>}). */
	boolean mayRead(Caller caller, String child);
}
