package uk.childlink.care.attendance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;

/**
 * When a transaction creates, changes or deletes a child's attendance record, records in that same transaction that
 * the child's absence flag is owed ({@link FlagWork}), and once it commits wakes this process's worker
 * ({@link AbsenceFlagWorker}): the write does not wait for the flag, and a crash after the commit loses nothing. A
 * child is owed once however many of its records the transaction writes (a year of weeks costs one refresh). A
 * record outside the current school year owes nothing: the flag counts this year's records only, so a school's
 * earlier years, imported when it joins, cost no refresh.
 */
@Interceptor(order = Pipeline.Order.DERIVED)
final class AbsenceFlagTrigger {

	private final FlagWork work;
	private final Runnable wakeUpWorker;
	private final Clock clock;

	AbsenceFlagTrigger(FlagWork work, Runnable wakeUpWorker, Clock clock) {
		this.work = work;
		this.wakeUpWorker = wakeUpWorker;
		this.clock = clock;
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
				|| !"Patient".equals(obs.getSubject().getReferenceElement().getResourceType())
				|| !countsTowardsTheFlag(obs, LocalDate.now(clock))) {
			return;
		}
		BeforeCommit.of(this, Owed::new).children.add(
				obs.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	/**
	 * Whether the record is one the flag's summary of the school year containing {@code today} takes in
	 * ({@link AttendanceRecords#summarise}: its period within the year), whatever its status (a record marked entered
	 * in error stops counting, which changes the flag too).
	 */
	static boolean countsTowardsTheFlag(Observation obs, LocalDate today) {
		SchoolYear year = SchoolYear.containing(today);
		return obs.getEffective() instanceof Period period && AttendanceRecords.within(period, year.start(), year.end());
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
