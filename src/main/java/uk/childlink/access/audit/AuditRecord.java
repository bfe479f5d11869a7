package uk.childlink.access.audit;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import uk.childlink.access.Caller;

/**
 * One access, as the audit trail stores it (a row of {@code cl_audit_event}): only what varies from one access to the
 * next; the rest of the AuditEvent is added when it is read ({@link AuditTrail#event}). Text is stored as FHIR text
 * may hold it (a client's URL can carry anything).
 */
record AuditRecord(
		Long id,
		Instant recorded,
		String interaction,
		AuditEventAction action,
		int status,
		String failure,
		String issuer,
		String subject,
		String clientId,
		String agency,
		List<String> roles,
		String organisationSystem,
		String organisationValue,
		String address,
		String request,
		String breakGlassReason,
		List<String> children) {

	/** What one access was: the interaction (a restful-interaction code), and the request as the caller sent it. */
	record Access(String interaction, AuditEventAction action, String request, String address) {}

	static AuditRecord of(Caller caller, Access access, Set<String> children, int status, String failure) {
		return new AuditRecord(null, Instant.now(), access.interaction(), access.action(), status, failure,
				caller.issuer(), caller.subject(), caller.clientId(), caller.agency(), List.copyOf(caller.roles()),
				caller.organisation() == null ? null : caller.organisation().getSystem(),
				caller.organisation() == null ? null : caller.organisation().getValue(),
				access.address(), access.request(), caller.breakGlassReason(), List.copyOf(children));
	}

	AuditRecord withId(long newId) {
		return new AuditRecord(newId, recorded, interaction, action, status, failure, issuer, subject, clientId, agency,
				roles, organisationSystem, organisationValue, address, request, breakGlassReason, children);
	}
}
