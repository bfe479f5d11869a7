package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;

/**
 * When a transaction creates, changes or deletes a child's attendance record, records in that same transaction that
 * the child's absence flag is owed ({@link FlagWork}), and once it commits wakes this process's worker
 * ({@link AbsenceFlagWorker}): the write does not wait for the flag, and a crash after the commit loses nothing. A
 * child is owed once however many of its records the transaction writes (a year of weeks costs one refresh).
 */
@Interceptor(order = Pipeline.Order.DERIVED)
final class AbsenceFlagTrigger {

	private final FlagWork work;
	private final Runnable wakeUpWorker;

	AbsenceFlagTrigger(FlagWork work, Runnable wakeUpWorker) {
		this.work = work;
		this.wakeUpWorker = wakeUpWorker;
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
		BeforeCommit.of(this, Owed::new).children.add(
				obs.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	static boolean isAttendance(Observation obs) {
		return obs.getCode().getCoding().stream().anyMatch(c -> AttendanceRecords.OBSERVATION_CODE.equals(c.getSystem())
				&& "attendance-summary".equals(c.getCode()));
	}

	/** The children one transaction owes a flag. */
	private final class Owed implements BeforeCommit.Work {
		final Set<String> children = new TreeSet<>();

		@Override
		public void afterCommit() {
			wakeUpWorker.run();
		}

		@Override
		public void beforeCommit() {
			work.add(children);
		}
	}
}
