package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome;
import uk.childlink.platform.Pipeline;

/** The absence flags are the server's: a client's Flag with their identifier would stop them being kept. */
@Interceptor(order = Pipeline.Order.SERVER_KEPT_FLAGS)
final class ServerKeptFlags {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource resource, RequestDetails request) {
		refuseClientAbsenceFlag(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		if (movedByMerge(oldResource, newResource, request)) {
			return;
		}
		refuseClientAbsenceFlag(oldResource, request);
		refuseClientAbsenceFlag(newResource, request);
	}

	/**
	 * {@code Patient/$merge} points every reference to the record merged away at the surviving one, a flag's subject
	 * among them, and may: nothing else of the flag changes. The flag is then brought up to date as the server's
	 * (the merged-away record's closed, the survivor's own raised from the records moved to it).
	 */
	private static boolean movedByMerge(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		if (request == null || !ProviderConstants.OPERATION_MERGE.equals(request.getOperation())
				|| !(oldResource instanceof Flag before) || !(newResource instanceof Flag after)) {
			return false;
		}
		Flag sameSubject = after.copy();
		sameSubject.setSubject(before.getSubject().copy());
		sameSubject.setIdElement(before.getIdElement().copy());
		sameSubject.setMeta(before.getMeta().copy());
		return before.equalsDeep(sameSubject);
	}

	private static void refuseClientAbsenceFlag(IBaseResource resource, RequestDetails request) {
		if (request instanceof ServletRequestDetails && resource instanceof Flag flag
				&& flag.getIdentifier().stream().anyMatch(i -> AbsenceFlags.IDENTIFIER.equals(i.getSystem()))) {
			OperationOutcome outcome = new OperationOutcome();
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(OperationOutcome.IssueType.FORBIDDEN)
					.setDiagnostics("Flags with identifier system " + AbsenceFlags.IDENTIFIER + " are kept by the server "
							+ "from the child's attendance records and cannot be written through the API")
					.addLocation("Flag.identifier").addExpression("Flag.identifier");
			throw new ForbiddenOperationException(outcome.getIssueFirstRep().getDiagnostics(), outcome);
		}
	}
}
