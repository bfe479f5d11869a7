package uk.childlink.outofview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.Eventually;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * A council's list of the children who became its responsibility in the last N days while a plan, a child-in-need
 * episode or looked-after status was open: the documented search of docs/early-years.md over its worklist, with its
 * own token. Not the children who moved with nothing open, nor those who moved away from it.
 */
class NewlyResponsibleIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

	@Test
	void aCouncilListsTheChildrenWhoBecameItsResponsibilityWithAPlanOrEpisodeOpen() {
		Org previous = council();
		Org council = council();
		IIdType planned = child(previous, "Planned");
		client().create().resource(Records.cpPlan(new Reference(planned.getValue()), previous.ref(),
				TODAY.minusDays(90).toString(), null, "NEG")).execute();
		IIdType inNeed = child(previous, "InNeed");
		client().create().resource(Records.childInNeed(new Reference(inNeed.getValue()), previous.ref(),
				TODAY.minusDays(90).toString(), null)).execute();
		IIdType nothingOpen = child(previous, "Nothing");
		IIdType leftUs = child(council, "LeftUs");
		client().create().resource(Records.lookedAfter(new Reference(leftUs.getValue()), council.ref(),
				TODAY.minusDays(90).toString(), null)).execute();
		for (IIdType child : List.of(planned, inNeed, nothingOpen)) {
			move(child, council);
		}
		move(leftUs, previous);

		Bundle arrivals = awaitArrivals(council, 2);
		List<Task> tasks = arrivals.getEntry().stream().filter(e -> e.getResource() instanceof Task)
				.map(e -> (Task) e.getResource()).toList();
		assertThat(tasks).extracting(t -> t.getFor().getReference())
				.containsExactlyInAnyOrder(planned.getValue(), inNeed.getValue());
		assertThat(tasks).allSatisfy(t -> assertThat(t.getInput()).anySatisfy(input -> {
			assertThat(input.getType().getText()).isEqualTo("previous-organisation");
			assertThat(((Reference) input.getValue()).getReference()).isEqualTo(previous.id());
		}));
		assertThat(arrivals.getEntry()).filteredOn(e -> e.getResource() instanceof Patient).hasSize(2)
				.as("the children, included").allSatisfy(e -> assertThat(e.getSearch().getMode())
						.isEqualTo(Bundle.SearchEntryMode.INCLUDE));

		// the previous council's own list has the child who moved to it, not those who moved away
		Bundle theirs = awaitArrivals(previous, 1);
		assertThat(theirs.getEntry()).filteredOn(e -> e.getResource() instanceof Task)
				.extracting(e -> ((Task) e.getResource()).getFor().getReference()).containsExactly(leftUs.getValue());
	}

	/** The documented search (docs/early-years.md), as the council sends it, once it has {@code expected} Tasks. */
	private Bundle awaitArrivals(Org council, int expected) {
		String url = "Task?code=https://fhir.childlink.uk/CodeSystem/signal-topic|child-moved-1"
				+ "&business-status=https://fhir.childlink.uk/CodeSystem/signal-event|new-council"
				+ "&authored-on=ge" + TODAY.minusDays(30) + "&patient.organization=" + council.id()
				+ "&_include=Task:patient";
		return Eventually.poll(() -> client(council.token()).search().byUrl(url).returnBundle(Bundle.class).execute(),
				found -> found.getEntry().stream().filter(e -> e.getResource() instanceof Task).count() >= expected,
				Duration.ofSeconds(30));
	}

	private void move(IIdType child, Org to) {
		Patient patient = client().read().resource(Patient.class).withId(child).execute();
		client().update().resource(patient.setManagingOrganization(to.ref())).execute();
	}

	private IIdType child(Org council, String family) {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), family, "Moved", "2014-06-06");
		patient.setManagingOrganization(council.ref());
		return client().create().resource(patient).execute().getId().toUnqualifiedVersionless();
	}

	private Org council() {
		return Organisations.council(client());
	}
}
