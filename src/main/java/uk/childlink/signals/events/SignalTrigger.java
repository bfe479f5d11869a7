package uk.childlink.signals.events;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Primitives;
import uk.childlink.schools.SchoolCalendar;

/**
 * Recognises, in the transaction of every write (a client's, an import's or the server's own, such as an absence
 * flag's refresh), the events the topics tell about, and records each in the outbox ({@link Outbox}) in that same
 * transaction, if the child has the open record its topic needs (a plan, looked-after status) as the change commits:
 * so a signal is made once, by whichever process wrote the change, and a crash after the commit loses nothing. Who
 * hears is worked out when it is sent.
 */
@Interceptor(order = Pipeline.Order.SIGNALS)
final class SignalTrigger {

	static final String ABSENCE_FLAG = "https://fhir.childlink.uk/Id/absence-flag";
	private static final List<String> ABSENCE = List.of("persistent-absence", "severe-absence");

	private final SignalPolicy policy;
	private final OpenRecords openRecords;
	private final SchoolRoll roll;
	private final int missingEducationSchoolDays;
	private final Outbox outbox;
	private final Runnable wakeUpWorker;
	private final Clock clock;

	SignalTrigger(SignalPolicy policy, OpenRecords openRecords, SchoolRoll roll, int missingEducationSchoolDays,
			Outbox outbox, Runnable wakeUpWorker, Clock clock) {
		this.policy = policy;
		this.openRecords = openRecords;
		this.roll = roll;
		this.missingEducationSchoolDays = missingEducationSchoolDays;
		this.outbox = outbox;
		this.wakeUpWorker = wakeUpWorker;
		this.clock = clock;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		changed(null, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource oldResource, IBaseResource newResource) {
		changed(oldResource, newResource);
	}

	private void changed(IBaseResource before, IBaseResource after) {
		List<Signal> signals = new ArrayList<>(1);
		if (after instanceof Observation obs) {
			observation((Observation) before, obs, signals);
		} else if (after instanceof Flag flag) {
			absence((Flag) before, flag, signals);
		} else if (after instanceof Patient patient && before instanceof Patient previous) {
			move(previous, patient, signals);
		} else if (after instanceof EpisodeOfCare episode && SchoolRoll.enrolment(episode)) {
			leftRoll((EpisodeOfCare) before, episode, signals);
			newSchool((EpisodeOfCare) before, episode, signals);
		}
		if (!signals.isEmpty()) {
			BeforeCommit.of(this, Owed::new).signals.addAll(signals);
		}
	}

	/** A plan or looked-after status that opens or closes; a suspension, an exclusion or a police incident recorded. */
	private void observation(Observation before, Observation after, List<Signal> signals) {
		String code = OpenRecords.ourCode(after);
		String child = child(after.getSubject());
		if (code == null || child == null) {
			return;
		}
		String focus = id(after);
		String recorder = after.getPerformer().stream().map(SignalTrigger::reference)
				.filter(r -> r != null && r.startsWith("Organization/")).findFirst().orElse(null);
		switch (code) {
			case "cp-plan", "lac-legal-status" -> {
				String topic = code.equals("cp-plan") ? "child-protection-plan-1" : "looked-after-child-1";
				boolean wasOpen = before != null && Objects.equals(code, OpenRecords.ourCode(before)) && OpenRecords.open(before, LocalDate.now(clock));
				boolean isOpen = OpenRecords.open(after, LocalDate.now(clock));
				if (isOpen != wasOpen) {
					signals.add(Signal.of(topic, isOpen ? "started" : "ended", child, focus, recorder));
				}
			}
			case "suspension", "permanent-exclusion" -> {
				if (before == null) {
					signals.add(Signal.of("looked-after-child-excluded-1", code, child, focus, recorder));
				}
			}
			case "domestic-abuse-incident" -> {
				if (before == null) {
					signals.add(Signal.of("domestic-abuse-incident-1", "incident", child, focus, recorder));
				}
			}
			default -> {}
		}
	}

	/** The server's absence flag raised, or worsened from persistent to severe. */
	private void absence(Flag before, Flag after, List<Signal> signals) {
		if (after.getIdentifier().stream().noneMatch(i -> ABSENCE_FLAG.equals(i.getSystem()))) {
			return;
		}
		int was = severity(before);
		int is = severity(after);
		String child = child(after.getSubject());
		if (is > was && child != null) {
			signals.add(Signal.of("absence-of-a-child-known-to-social-care-1", ABSENCE.get(is - 1), child, id(after),
					null));
		}
	}

	/** A new responsible council or GP practice. */
	private void move(Patient before, Patient after, List<Signal> signals) {
		String child = "Patient/" + after.getIdElement().getIdPart();
		String previousCouncil = reference(before.getManagingOrganization());
		String newCouncil = reference(after.getManagingOrganization());
		if (newCouncil != null && !newCouncil.equals(previousCouncil)) {
			signals.add(Signal.move("new-council", child, previousCouncil, newCouncil));
		}
		String previousGp = firstOrganisation(before.getGeneralPractitioner());
		String newGp = firstOrganisation(after.getGeneralPractitioner());
		if (newGp != null && !newGp.equals(previousGp)) {
			signals.add(Signal.move("new-gp-practice", child, previousGp, newGp));
		}
	}

	/**
	 * A child of compulsory school age taken off a school's roll (an enrolment finished, recently: not a history being
	 * loaded), due when the school days to find a new school have passed. A changed leaving date is not a new leaving.
	 */
	private void leftRoll(EpisodeOfCare before, EpisodeOfCare after, List<Signal> signals) {
		if (after.getStatus() != EpisodeOfCare.EpisodeOfCareStatus.FINISHED
				|| before != null && before.getStatus() == EpisodeOfCare.EpisodeOfCareStatus.FINISHED) {
			return;
		}
		String child = child(after.getPatient());
		LocalDate left = Primitives.day(after.getPeriod().getEndElement());
		LocalDate today = LocalDate.now(clock);
		if (child == null || left == null || left.isBefore(today.minus(policy.recentPeriod()))) {
			return;
		}
		LocalDate born = roll.birthDate(child);
		if (born == null || !SchoolCalendar.compulsorySchoolAge(born, left)) {
			return;
		}
		Instant due = SchoolCalendar.schoolDaysAfter(left, missingEducationSchoolDays).plusDays(1)
				.atStartOfDay(clock.getZone()).toInstant();
		signals.add(Signal.leftRoll(child, id(after), reference(after.getManagingOrganization()), due));
	}

	/** An admission recorded (planned or active) by a school other than that of the child's latest enrolment. */
	private void newSchool(EpisodeOfCare before, EpisodeOfCare after, List<Signal> signals) {
		boolean admitted = after.getStatus() == EpisodeOfCare.EpisodeOfCareStatus.PLANNED
				|| after.getStatus() == EpisodeOfCare.EpisodeOfCareStatus.ACTIVE;
		String child = child(after.getPatient());
		String school = reference(after.getManagingOrganization());
		if (before != null || !admitted || child == null || school == null) {
			return;
		}
		String previous = roll.previousSchool(child, id(after));
		if (!school.equals(previous)) {
			signals.add(Signal.move("new-school", child, previous, school));
		}
	}

	private static int severity(Flag flag) {
		if (flag == null || flag.getStatus() != Flag.FlagStatus.ACTIVE) {
			return 0;
		}
		return ABSENCE.indexOf(flag.getCode().getCodingFirstRep().getCode()) + 1;
	}


	private static String child(Reference subject) {
		String ref = reference(subject);
		return ref != null && ref.startsWith("Patient/") ? ref : null;
	}

	private static String firstOrganisation(List<Reference> refs) {
		return refs.stream().map(SignalTrigger::reference).filter(r -> r != null && r.startsWith("Organization/"))
				.findFirst().orElse(null);
	}

	/** A relative reference, versionless; null for none, an absolute or a logical one. */
	private static String reference(Reference ref) {
		IIdType id = ref.getReferenceElement();
		return id.hasIdPart() && id.hasResourceType() && !id.isAbsolute() ? id.toUnqualifiedVersionless().getValue()
				: null;
	}

	private static String id(Resource resource) {
		IIdType id = resource.getIdElement();
		return id.hasIdPart() ? resource.fhirType() + "/" + id.getIdPart() : null;
	}

	/** The signals one transaction makes. */
	private final class Owed implements BeforeCommit.Work {
		final List<Signal> signals = new ArrayList<>();

		@Override
		public void afterCommit() {
			wakeUpWorker.run();
		}

		/** The signals whose topic needs an open record (a plan, say) only if the child has one as the change commits. */
		@Override
		public void beforeCommit() {
			LocalDate today = LocalDate.now(clock);
			outbox.add(signals.stream().filter(signal -> policy.topic(signal.topic())
					.map(topic -> openRecords.any(signal.child(), topic.whileOpen(), today)).orElse(false)).toList());
		}
	}
}
