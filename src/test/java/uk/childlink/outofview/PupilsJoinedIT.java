package uk.childlink.outofview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * {@code Patient/$pupils-joined} over HTTP with real tokens: a school's pupils who joined in the last days with an
 * open plan, child-in-need episode or looked-after status, or persistently absent, when they joined; not those who
 * joined with none, earlier, or whose plan had ended; another school's never; refused with 400 or 403.
 */
class PupilsJoinedIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String SINCE = "https://fhir.childlink.uk/StructureDefinition/out-of-view-since";
	private static final String REASON = "https://fhir.childlink.uk/StructureDefinition/out-of-view-reason";

	@Test
	void aSchoolListsThePupilsWhoJoinedWithAPlanOrPersistentAbsenceMostRecentFirst() {
		Org council = Organisations.council(client());
		Org previous = Organisations.school(client());
		Org school = Organisations.school(client());
		Org otherSchool = Organisations.school(client());

		IIdType withPlan = child("Planned");
		enrol(previous, withPlan, "2022-09-01", TODAY.minusDays(10));
		enrol(school, withPlan, TODAY.minusDays(5).toString(), null);
		client().create().resource(Records.cpPlan(ref(withPlan), council.ref(),
				TODAY.minusDays(100).toString(), null, "NEG")).execute();

		IIdType absent = AbsenceFlags.absentChild(client(), previous.ref(), "Absent");
		AbsenceFlags.awaitPersistent(client(), absent, Duration.ofSeconds(30));
		enrol(previous, absent, "2022-09-01", TODAY);
		EpisodeOfCare planned = Records.enrolment(ref(absent), school.ref(), TODAY.plusDays(3).toString(), null)
				.setStatus(EpisodeOfCare.EpisodeOfCareStatus.PLANNED);
		client(school.token()).create().resource(planned).execute();

		IIdType inNeed = child("InNeed");
		enrol(school, inNeed, TODAY.minusDays(2).toString(), null);
		client().create().resource(Records.childInNeed(ref(inNeed), council.ref(), TODAY.minusDays(40).toString(), null))
				.execute();

		IIdType nothing = child("Nothing");
		enrol(school, nothing, TODAY.minusDays(5).toString(), null);
		IIdType earlier = child("Earlier");
		enrol(school, earlier, TODAY.minusDays(60).toString(), null);
		client().create().resource(Records.cpPlan(ref(earlier), council.ref(),
				TODAY.minusDays(100).toString(), null, "PHY")).execute();
		IIdType planEnded = child("Ended");
		enrol(school, planEnded, TODAY.minusDays(5).toString(), null);
		client().create().resource(Records.cpPlan(ref(planEnded), council.ref(),
				TODAY.minusDays(100).toString(), TODAY.minusDays(20).toString(), "EMO")).execute();
		IIdType elsewhere = child("Elsewhere");
		enrol(otherSchool, elsewhere, TODAY.minusDays(5).toString(), null);
		client().create().resource(Records.cpPlan(ref(elsewhere), council.ref(),
				TODAY.minusDays(100).toString(), null, "NEG")).execute();

		Bundle list = list(client(school.token()), null, null);
		assertThat(ids(list)).containsExactly(absent.getIdPart(), inNeed.getIdPart(), withPlan.getIdPart());
		assertThat(ids(list)).doesNotContain(nothing.getIdPart(), earlier.getIdPart(), planEnded.getIdPart(),
				elsewhere.getIdPart());
		Bundle.BundleEntrySearchComponent first = list.getEntry().get(0).getSearch();
		assertThat(((DateType) first.getExtensionByUrl(SINCE).getValue()).getValueAsString())
				.isEqualTo(TODAY.plusDays(3).toString());
		assertThat(((StringType) first.getExtensionByUrl(REASON).getValue()).getValue())
				.contains("from " + previous.id(), "persistently or severely absent");
		assertThat(((StringType) list.getEntry().get(1).getSearch().getExtensionByUrl(REASON).getValue()).getValue())
				.contains("(no previous school recorded)", "open a child-in-need episode since " + TODAY.minusDays(40));
		assertThat(((StringType) list.getEntry().get(2).getSearch().getExtensionByUrl(REASON).getValue()).getValue())
				.contains("from " + previous.id(), "open a child protection plan since " + TODAY.minusDays(100),
						council.id())
				.as("that there is a plan, not its category").doesNotContain("NEG", "eglect", "cp-category");

		// a longer window takes in the earlier joiner
		assertThat(ids(list(client(school.token()), 90, null))).containsExactly(absent.getIdPart(),
				inNeed.getIdPart(), withPlan.getIdPart(), earlier.getIdPart());
		// the window is today and the days before it: the joiner of five days ago is in a 6-day window, not a 5-day one
		assertThat(ids(list(client(school.token()), 6, null))).contains(withPlan.getIdPart());
		assertThat(ids(list(client(school.token()), 5, null))).doesNotContain(withPlan.getIdPart());
		// another school sees only its own
		assertThat(ids(list(client(otherSchool.token()), null, null))).containsExactly(elsewhere.getIdPart());
	}

	@Test
	void aCallerOtherThanTheSchoolSeesNoneOfItsPupilsAndBadRequestsAreRefused() {
		Org council = Organisations.council(client());
		Org school = Organisations.school(client());
		IIdType child = child("Hidden");
		enrol(school, child, TODAY.minusDays(2).toString(), null);
		client().create().resource(Records.cpPlan(ref(child), council.ref(),
				TODAY.minusDays(100).toString(), null, "NEG")).execute();

		assertThat(list(client(council.token()), null, null).getEntry()).isEmpty();
		assertThatThrownBy(() -> list(client(council.token()), null, school.id()))
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		assertThat(http(school.token()).get("/fhir/Patient/$pupils-joined?days=0").status()).isEqualTo(400);
		assertThat(http(school.token()).get("/fhir/Patient/$pupils-joined?days=abc").status()).isEqualTo(400);
		assertThat(list(client(), null, school.id()).getEntry()).hasSize(1);
	}

	private Bundle list(IGenericClient client, Integer days, String organization) {
		Parameters in = new Parameters();
		if (days != null) {
			in.addParameter("days", new IntegerType(days));
		}
		if (organization != null) {
			in.addParameter("organization", new StringType(organization));
		}
		return client.operation().onType(Patient.class).named("$pupils-joined").withParameters(in).useHttpGet()
				.returnResourceType(Bundle.class).execute();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
	}

	private static Reference ref(IIdType child) {
		return new Reference(child.getValue());
	}

	private void enrol(Org school, IIdType child, String start, LocalDate left) {
		client(school.token()).create().resource(Records.enrolment(ref(child), school.ref(), start,
				left == null ? null : left.toString())).execute();
	}

	private IIdType child(String family) {
		return client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), family, "Joiner", "2015-05-05"))
				.execute().getId().toUnqualifiedVersionless();
	}
}
