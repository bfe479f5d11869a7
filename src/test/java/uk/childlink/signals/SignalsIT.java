package uk.childlink.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Eventually;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * The signals (signals/topics.json) reach the worklists of the organisations that should act, over HTTP with their
 * own tokens: each from the data that should make it and not from data that should not, once, only to organisations
 * related to the child, as Tasks that carry ids and no content, that only their owner sees and closes.
 */
class SignalsIT extends IntegrationTest {

	private static final String TOPIC = "https://fhir.childlink.uk/CodeSystem/signal-topic";
	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

	@Test
	void aChildProtectionPlanTellsTheGpSchoolAndHealthVisitorThatThereIsOneAndWhomToCall() {
		Org council = council();
		Org gp = health("gp");
		Org school = school();
		Org visitor = health("health-visitor");
		Org caseload = health("health-visitor");
		Org stranger = school();
		IIdType child = child(council, gp, "Plan");
		Reference childRef = new Reference(child.getValue());
		// a health visiting service that has the child on its caseload and has not met the child yet hears too
		client(caseload.token()).create().resource(Records.healthVisiting(childRef, caseload.ref(),
				TODAY.minusDays(3).toString(), null)).execute();
		client().create().resource(AbsenceFlags.week(childRef, school.ref(), AbsenceFlags.firstMondayOfThisSchoolYear(),
				10, 0)).execute();
		client().create().resource(Records.contact(childRef, visitor.ref(), "health-visitor-contact", "health",
				TODAY.minusDays(20).toString())).execute();

		IIdType plan = client().create().resource(Records.cpPlan(childRef, council.ref(), TODAY.minusDays(1).toString(),
				null, "NEG")).execute().getId().toUnqualifiedVersionless();

		for (Org hears : List.of(gp, school, visitor, caseload)) {
			Task task = awaitOne(hears, child, "child-protection-plan-1", "started");
			assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
			assertThat(task.getFor().getReference()).isEqualTo(child.getValue());
			assertThat(task.getFocus().getReference()).isEqualTo(plan.getValue());
			assertThat(task.getRequester().getReference()).as("whom to call").isEqualTo(council.id());
			assertThat(task.getOwner().getReference()).isEqualTo(hears.id());
			// that there is a plan, never its content (the category of abuse)
			assertThat(FHIR.newJsonParser().encodeResourceToString(task)).doesNotContain("NEG", "Neglect", "cp-category");
		}
		// the council that recorded the plan is not a recipient of this topic, nor is an unrelated school
		assertThat(tasks(council, child)).isEmpty();
		assertThat(tasks(stranger, null)).isEmpty();

		// only the owner sees and closes its Task
		Task gpsTask = awaitOne(gp, child, "child-protection-plan-1", "started");
		IIdType gpsTaskId = gpsTask.getIdElement().toUnqualifiedVersionless();
		assertThatThrownBy(() -> client(school.token()).read().resource(Task.class).withId(gpsTaskId).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
		Task handedOver = gpsTask.copy().setOwner(school.ref());
		assertThatThrownBy(() -> client(gp.token()).update().resource(handedOver).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		client(gp.token()).update().resource(gpsTask.setStatus(Task.TaskStatus.COMPLETED)).execute();
		assertThat(client(gp.token()).search().byUrl("Task?owner=" + gp.id() + "&status=requested&subject=" + child.getValue())
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
		// audited like every other access: the child's council reads that the GP read and closed its Task
		List<AuditEvent> trail = client(council.token()).search().byUrl("AuditEvent?child=" + child.getValue()
				+ "&_count=200").returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
		assertThat(trail).filteredOn(e -> e.getEntity().stream().anyMatch(en -> en.hasQuery()
				&& new String(en.getQuery(), java.nio.charset.StandardCharsets.UTF_8).startsWith("PUT Task/")))
				.isNotEmpty().allSatisfy(e -> assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.U));
		assertThat(trail).anySatisfy(e -> assertThat(e.getEntity()).anyMatch(en -> en.hasQuery()
				&& new String(en.getQuery(), java.nio.charset.StandardCharsets.UTF_8).startsWith("GET Task?")));

		// the plan ends: they hear that too, once each
		Observation ended = client().read().resource(Observation.class).withId(plan).execute();
		ended.getEffectivePeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(TODAY.minusDays(0).toString()));
		client().update().resource(ended).execute();
		awaitOne(gp, child, "child-protection-plan-1", "ended");
		awaitOne(school, child, "child-protection-plan-1", "ended");
		assertThat(tasks(gp, child)).hasSize(2);
	}

	@Test
	void absenceAndExclusionOfALookedAfterChildTellTheCouncilAndTheGp() {
		Org council = council();
		Org gp = health("gp");
		Org school = school();
		IIdType child = child(council, gp, "Looked");
		Reference childRef = new Reference(child.getValue());
		client().create().resource(Records.lookedAfter(childRef, council.ref(), TODAY.minusDays(30).toString(), null))
				.execute();
		awaitOne(gp, child, "looked-after-child-1", "started");

		client().create().resource(AbsenceFlags.week(childRef, school.ref(), AbsenceFlags.firstMondayOfThisSchoolYear(),
				8, 2)).execute();
		awaitOne(council, child, "absence-of-a-child-known-to-social-care-1", "persistent-absence");
		Task gpHears = awaitOne(gp, child, "absence-of-a-child-known-to-social-care-1", "persistent-absence");
		assertThat(gpHears.getDescription()).contains("persistently absent");

		client().create().resource(Records.suspension(childRef, school.ref(), TODAY.minusDays(2).toString(),
				TODAY.minusDays(1).toString(), "bullying")).execute();
		Task virtualSchool = awaitOne(council, child, "looked-after-child-excluded-1", "suspension");
		assertThat(virtualSchool.getRequester().getReference()).isEqualTo(school.id());
		assertThat(tasks(gp, child)).extracting(SignalsIT::topic).doesNotContain("looked-after-child-excluded-1");
	}

	@Test
	void aChildNotKnownToSocialCareMakesNoAbsenceOrMoveSignal() {
		Org council = council();
		Org otherCouncil = council();
		Org gp = health("gp");
		Org school = school();
		IIdType child = child(council, gp, "Unknown");
		Org newSchool = school();
		AbsenceFlags.awaitPersistent(client(), childWithWeek(child, school), Duration.ofSeconds(30));
		client(school.token()).create().resource(Records.enrolment(new Reference(child.getValue()), school.ref(),
				"2022-09-01", null)).execute();
		client(newSchool.token()).create().resource(Records.enrolment(new Reference(child.getValue()),
				newSchool.ref(), TODAY.toString(), null)).execute();
		Patient moved = client().read().resource(Patient.class).withId(child).execute();
		client().update().resource(moved.setManagingOrganization(otherCouncil.ref())).execute();

		// the signals are sent oldest first: once a later one has arrived, the earlier ones were dealt with
		client().create().resource(Records.cpPlan(new Reference(child.getValue()), otherCouncil.ref(),
				TODAY.toString(), null, "EMO")).execute();
		awaitOne(gp, child, "child-protection-plan-1", "started");
		assertThat(tasks(gp, child)).extracting(SignalsIT::topic).containsExactly("child-protection-plan-1");
		assertThat(tasks(council, child)).isEmpty();
		assertThat(tasks(otherCouncil, child)).isEmpty();
		assertThat(tasks(newSchool, child)).extracting(SignalsIT::topic).doesNotContain("child-moved-1");
	}

	@Test
	void aLookedAfterChildWhoMovesCouncilIsSignalledToTheOldAndTheNewCouncil() {
		Org council = council();
		Org newCouncil = council();
		Org gp = health("gp");
		IIdType child = child(council, gp, "Mover");
		client().create().resource(Records.lookedAfter(new Reference(child.getValue()), council.ref(),
				TODAY.minusDays(60).toString(), null)).execute();
		Patient moved = client().read().resource(Patient.class).withId(child).execute();
		client().update().resource(moved.setManagingOrganization(newCouncil.ref())).execute();

		Task previous = awaitOne(council, child, "child-moved-1", "new-council");
		Task next = awaitOne(newCouncil, child, "child-moved-1", "new-council");
		assertThat(previous.getFor().getReference()).isEqualTo(next.getFor().getReference()).isEqualTo(child.getValue());
		assertThat(tasks(gp, child)).extracting(SignalsIT::topic).doesNotContain("child-moved-1");
	}

	@Test
	void aPoliceReportedIncidentTellsTheChildsSchoolsWhomToCallAndNothingOfWhatHappened() {
		Org council = council();
		Org gp = health("gp");
		Org school = school();
		Org attendedSchool = school();
		Org stranger = school();
		Org police = police();
		IIdType child = child(council, gp, "Encompass");
		Reference childRef = new Reference(child.getValue());
		client(school.token()).create().resource(Records.enrolment(childRef, school.ref(), "2022-09-01", null)).execute();
		client(attendedSchool.token()).create().resource(AbsenceFlags.week(childRef, attendedSchool.ref(),
				AbsenceFlags.firstMondayOfThisSchoolYear(), 10, 0)).execute();

		IIdType incident = client(police.token()).create().resource(Records.domesticAbuseIncident(childRef,
				police.ref(), TODAY.minusDays(1) + "T21:40:00+00:00")).execute().getId().toUnqualifiedVersionless();

		// the school with the child on roll and the school that records its attendance
		for (Org hears : List.of(school, attendedSchool)) {
			Task task = awaitOne(hears, child, "domestic-abuse-incident-1", "incident");
			assertThat(task.getRequester().getReference()).as("whom to call").isEqualTo(police.id());
			assertThat(task.getFocus().getReference()).isEqualTo(incident.getValue());
			assertThat(task.getDescription()).contains("before the next school day");
			// the key adult reads the record with the school's own token: that it happened and when, nothing more
			Observation record = client(hears.token()).read().resource(Observation.class).withId(incident).execute();
			assertThat(record.hasValue()).isFalse();
			assertThat(record.hasNote()).isFalse();
		}
		assertThat(tasks(gp, child)).isEmpty();
		assertThat(tasks(council, child)).isEmpty();
		assertThat(tasks(stranger, null)).isEmpty();
		// what happened is not the police's to write here
		Observation withContent = Records.domesticAbuseIncident(childRef, police.ref(), TODAY + "T08:00:00+00:00");
		withContent.addNote().setText("Invented details");
		assertThatThrownBy(() -> client(police.token()).create().resource(withContent).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(422));
	}

	@Test
	void aLookedAfterChildWhoChangesSchoolIsSignalledToTheOldAndTheNewSchool() {
		Org council = council();
		Org gp = health("gp");
		Org school = school();
		Org newSchool = school();
		IIdType child = child(council, gp, "Transfer");
		Reference childRef = new Reference(child.getValue());
		client(school.token()).create().resource(Records.enrolment(childRef, school.ref(), "2022-09-01", null)).execute();
		client().create().resource(Records.lookedAfter(childRef, council.ref(), TODAY.minusDays(30).toString(), null))
				.execute();

		EpisodeOfCare admission = Records.enrolment(childRef, newSchool.ref(), TODAY.plusDays(7).toString(), null)
				.setStatus(EpisodeOfCare.EpisodeOfCareStatus.PLANNED);
		client(newSchool.token()).create().resource(admission).execute();

		Task previous = awaitOne(school, child, "child-moved-1", "new-school");
		Task next = awaitOne(newSchool, child, "child-moved-1", "new-school");
		assertThat(previous.getFor().getReference()).isEqualTo(next.getFor().getReference()).isEqualTo(child.getValue());
		assertThat(tasks(council, child)).extracting(SignalsIT::topic).doesNotContain("child-moved-1");
	}

	@Test
	void aChildOfSchoolAgeWhoLeavesARollAndJoinsNoOtherSchoolIsSignalledToTheCouncilOnceTheWaitIsOver() {
		Org council = council();
		Org gp = health("gp");
		Org school = school();
		Org nextSchool = school();

		// left 30 days ago, of compulsory school age, on no other roll: the ten school days are over
		IIdType missing = child(council, gp, "Leaver");
		IIdType enrolment = leave(missing, school, TODAY.minusDays(30));
		Task task = awaitOne(council, missing, "child-missing-education-1", "left-roll");
		assertThat(task.getFocus().getReference()).isEqualTo(enrolment.getValue());
		assertThat(task.getRequester().getReference()).as("the school that took the child off its roll")
				.isEqualTo(school.id());
		assertThat(tasks(gp, missing)).as("the council hears, not the GP").isEmpty();

		// no signal: a child a new school has admitted; a child under compulsory school age; a leaving not recent (a
		// history being loaded); a leaving whose ten school days are not over
		IIdType admitted = child(council, gp, "Admitted");
		client(nextSchool.token()).create().resource(Records.enrolment(new Reference(admitted.getValue()),
				nextSchool.ref(), TODAY.minusDays(20).toString(), null)).execute();
		leave(admitted, school, TODAY.minusDays(30));
		IIdType young = child(council, gp, "Nursery", TODAY.minusYears(4).toString());
		leave(young, school, TODAY.minusDays(30));
		IIdType history = child(council, gp, "History");
		client(school.token()).create().resource(Records.enrolment(new Reference(history.getValue()), school.ref(),
				"2019-09-01", TODAY.minusYears(2).toString())).execute();
		IIdType recent = child(council, gp, "Recent");
		leave(recent, school, TODAY);

		// signals are sent soonest due first: once a plan's (due now) has arrived, the ones due earlier were dealt with
		for (IIdType child : List.of(admitted, young, history, recent)) {
			client().create().resource(Records.cpPlan(new Reference(child.getValue()), council.ref(), TODAY.toString(),
					null, "EMO")).execute();
			awaitOne(gp, child, "child-protection-plan-1", "started");
			assertThat(tasks(council, child)).as(child.getValue()).isEmpty();
		}
	}

	/** The school enrols the child, then takes the child off its roll on {@code left}. */
	private IIdType leave(IIdType child, Org school, LocalDate left) {
		EpisodeOfCare enrolment = Records.enrolment(new Reference(child.getValue()), school.ref(), "2022-09-01", null);
		IIdType id = client(school.token()).create().resource(enrolment).execute().getId().toUnqualifiedVersionless();
		enrolment.setId(id);
		enrolment.setStatus(EpisodeOfCare.EpisodeOfCareStatus.FINISHED).getPeriod()
				.setEndElement(new org.hl7.fhir.r4.model.DateTimeType(left.toString()));
		client(school.token()).update().resource(enrolment).execute();
		return id;
	}

	private IIdType childWithWeek(IIdType child, Org school) {
		client().create().resource(AbsenceFlags.week(new Reference(child.getValue()), school.ref(),
				AbsenceFlags.firstMondayOfThisSchoolYear(), 8, 2)).execute();
		return child;
	}

	private IIdType child(Org council, Org gp, String family) {
		return child(council, gp, family, "2016-03-03");
	}

	private IIdType child(Org council, Org gp, String family, String born) {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), family, "Sig", born);
		patient.setManagingOrganization(council.ref()).addGeneralPractitioner(gp.ref());
		return client().create().resource(patient).execute().getId().toUnqualifiedVersionless();
	}

	private Org council() {
		return Organisations.council(client());
	}

	private Org school() {
		return Organisations.school(client());
	}

	private Org police() {
		return Organisations.police(client());
	}

	private Org health(String subject) {
		return Organisations.health(client(), subject);
	}

	/** The organisation's worklist (about the child, when given), as it searches it with its own token. */
	private List<Task> tasks(Org org, IIdType child) {
		String url = "Task?_count=100" + (child == null ? "" : "&patient=" + child.getValue());
		return client(org.token()).search().byUrl(url).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (Task) e.getResource()).toList();
	}

	/** Waits for the one Task of the topic and event about the child on the organisation's worklist. */
	private Task awaitOne(Org org, IIdType child, String topic, String event) {
		List<Task> found = Eventually.poll(() -> tasks(org, child).stream().filter(t -> topic.equals(topic(t))
				&& event.equals(t.getBusinessStatus().getCodingFirstRep().getCode())).toList(), heard -> !heard.isEmpty(),
				Duration.ofSeconds(30));
		if (found.isEmpty()) {
			throw new AssertionError(org.id() + " did not hear " + topic + " " + event + " about " + child.getValue());
		}
		assertThat(found).as("one Task per signal and organisation").hasSize(1);
		return found.get(0);
	}

	private static String topic(Task task) {
		return task.getCode().getCoding().stream().filter(c -> TOPIC.equals(c.getSystem())).map(c -> c.getCode())
				.findFirst().orElse(null);
	}
}
