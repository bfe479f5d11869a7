package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import uk.childlink.platform.Pipeline;

/**
 * After a transaction that created, changed or deleted a child's attendance record commits, brings the child's
 * absence flag up to date ({@link AbsenceFlags}), on one background thread: the write does not wait for it, refreshes
 * never race each other, and a child already waiting for a refresh is not queued twice (a bulk import of a year of
 * weeks costs one refresh per child, not one per week).
 */
@Interceptor(order = Pipeline.Order.DERIVED)
final class AbsenceFlagTrigger implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AbsenceFlagTrigger.class);

	private final AbsenceFlags flags;
	private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
		Thread thread = new Thread(runnable, "childlink-absence-flags");
		thread.setDaemon(true);
		return thread;
	});
	private final Set<String> waiting = ConcurrentHashMap.newKeySet();

	AbsenceFlagTrigger(AbsenceFlags flags) {
		this.flags = flags;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		changed(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource oldResource, IBaseResource newResource) {
		changed(oldResource); // the record may have moved to another child
		changed(newResource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource) {
		changed(resource);
	}

	private void changed(IBaseResource resource) {
		if (!(resource instanceof Observation obs) || !isAttendance(obs)
				|| !"Patient".equals(obs.getSubject().getReferenceElement().getResourceType())) {
			return;
		}
		IIdType child = obs.getSubject().getReferenceElement().toUnqualifiedVersionless();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					refreshLater(child);
				}
			});
		} else {
			refreshLater(child);
		}
	}

	private void refreshLater(IIdType child) {
		if (!waiting.add(child.getValue())) {
			return;
		}
		try {
			worker.execute(() -> {
				waiting.remove(child.getValue()); // a change from now on queues another refresh
				try {
					flags.refresh(child);
				} catch (RuntimeException e) {
					log.warn("Could not refresh the absence flag of {}; the next change to its attendance will retry",
							child.getValue(), e);
				}
			});
		} catch (RejectedExecutionException shuttingDown) {
			waiting.remove(child.getValue());
			log.info("Server stopping: the absence flag of {} is refreshed at its next attendance change",
					child.getValue());
		}
	}

	private static boolean isAttendance(Observation obs) {
		return obs.getCode().getCoding().stream().anyMatch(c -> AttendanceRecords.OBSERVATION_CODE.equals(c.getSystem())
				&& "attendance-summary".equals(c.getCode()));
	}

	@Override
	public void close() {
		worker.shutdownNow();
	}
}
