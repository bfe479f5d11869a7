package uk.childlink.access.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import uk.childlink.access.Caller;
import uk.childlink.access.authorisation.Children;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;

/**
 * Audits writes to children's data in the same database transaction as the data: each stored resource adds its
 * children to the transaction's record, and just before the commit one record per transaction is appended to the
 * trail. If it cannot be, the data is not committed either. Registered with the storage layer, so the importers'
 * writes, made on a caller's behalf ({@link Caller#carry}), are audited as that caller's.
 */
@Interceptor(order = Pipeline.Order.WRITE_AUDIT)
final class AuditWrites {

	private static final String WROTE = AuditWrites.class.getName() + ".wrote";

	private final AuditLog trail;
	private final Children children;

	AuditWrites(AuditLog trail, Children children) {
		this.trail = trail;
		this.children = children;
	}

	/** Whether the request's writes have been audited (its response then needs no audit of its own). */
	static boolean wroteIn(RequestDetails request) {
		return Boolean.TRUE.equals(request.getUserData().get(WROTE));
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		record(request, AuditEventAction.C, resource, null);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		record(request, AuditEventAction.U, resource, previous);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		record(request, AuditEventAction.D, resource, null);
	}

	private void record(RequestDetails request, AuditEventAction action, IBaseResource resource, IBaseResource previous) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null) {
			return;
		}
		Set<String> about = new LinkedHashSet<>(children.of(resource));
		if (previous != null) {
			about.addAll(children.of(previous));
		}
		if (about.isEmpty()) {
			return;
		}
		request.getUserData().put(WROTE, Boolean.TRUE);
		Pending pending = BeforeCommit.of(this, () -> new Pending(caller, request));
		pending.actions.add(action);
		pending.children.addAll(about);
	}

	/** What one database transaction wrote about children, audited just before it commits. */
	private final class Pending implements BeforeCommit.Work {
		final Caller caller;
		final RequestDetails request;
		final EnumSet<AuditEventAction> actions = EnumSet.noneOf(AuditEventAction.class);
		final Set<String> children = new LinkedHashSet<>();

		Pending(Caller caller, RequestDetails request) {
			this.caller = caller;
			this.request = request;
		}

		@Override
		public void beforeCommit() {
			RestOperationTypeEnum op = request.getRestOperationType();
			AuditRecord.Access access = AuditInterceptor.access(request,
					op == null ? RestOperationTypeEnum.EXTENDED_OPERATION_SERVER : op);
			AuditEventAction action = actions.size() == 1 ? actions.iterator().next() : AuditEventAction.E;
			access = new AuditRecord.Access(access.interaction(), action, access.request(), access.address());
			trail.appendInTransaction(AuditRecord.of(caller, access, children, 200, null));
		}
	}
}
