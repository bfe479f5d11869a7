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
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import uk.childlink.access.Caller;
import uk.childlink.access.authorisation.Children;

/**
 * Audits writes to children's data in the same database transaction as the data: each stored resource adds its
 * children to the transaction's record, and just before the commit one AuditEvent per transaction is written. If
 * it cannot be, the data is not committed either. Registered with the storage layer, so the importers' writes,
 * made on a caller's behalf ({@link Caller#carry}), are audited as that caller's.
 */
@Interceptor
final class AuditWrites {

	private static final String WROTE = AuditWrites.class.getName() + ".wrote";

	private final AuditTrail trail;
	private final Children children;
	private final EntityManagerFactory entityManagers;

	AuditWrites(AuditTrail trail, Children children, EntityManagerFactory entityManagers) {
		this.trail = trail;
		this.children = children;
		this.entityManagers = entityManagers;
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
		if (caller == null || resource instanceof AuditEvent) {
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
		if (!TransactionSynchronizationManager.isSynchronizationActive()) { // HAPI always writes in a transaction
			throw new IllegalStateException("a write outside a database transaction cannot be audited with it");
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			pending = new Pending(caller, request);
			TransactionSynchronizationManager.bindResource(this, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.actions.add(action);
		pending.children.addAll(about);

	}

	/** What one database transaction wrote about children, audited just before it commits. */
	private final class Pending implements TransactionSynchronization {
		final Caller caller;
		final RequestDetails request;
		final EnumSet<AuditEventAction> actions = EnumSet.noneOf(AuditEventAction.class);
		final Set<String> children = new LinkedHashSet<>();
		boolean suspended;

		Pending(Caller caller, RequestDetails request) {
			this.caller = caller;
			this.request = request;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			TransactionSynchronizationManager.unbindResource(AuditWrites.this);
			RestOperationTypeEnum op = request.getRestOperationType();
			AuditTrail.Access access = AuditInterceptor.access(request, op == null ? RestOperationTypeEnum.EXTENDED_OPERATION_SERVER : op);
			AuditEventAction action = actions.size() == 1 ? actions.iterator().next() : AuditEventAction.E;
			access = new AuditTrail.Access(access.interaction(), action, access.request(), access.address());
			// the data's own changes go to the database first, in the order HAPI made them; the event's after
			EntityManager session = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagers);
			if (session != null) {
				session.flush();
			}
			trail.write(trail.event(caller, access, children, 200, null));
			if (session != null) {
				session.flush();
			}
		}

		// a transaction suspended for another (REQUIRES_NEW) takes its record with it; the other starts its own
		@Override
		public void suspend() {
			suspended = TransactionSynchronizationManager.unbindResourceIfPossible(AuditWrites.this) == this;
		}

		@Override
		public void resume() {
			if (suspended && !TransactionSynchronizationManager.hasResource(AuditWrites.this)) {
				TransactionSynchronizationManager.bindResource(AuditWrites.this, this);
			}
			suspended = false;
		}

		@Override
		public void afterCompletion(int status) {
			if (TransactionSynchronizationManager.hasResource(AuditWrites.this)) {
				TransactionSynchronizationManager.unbindResource(AuditWrites.this);
			}
		}
	}
}
