package uk.childlink.outofview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * {@code Patient/$reviews-overdue} over HTTP with real tokens: a health visiting service's children under 3 whose next
 * mandated review is overdue, longest first, with the review, since when and by how long; not those whose next review
 * is not yet due, who had it (from any service), who are 3 or older, who left the caseload, or another service's;
 * paged; refused with 400 or 403 where the caller asks wrongly.
 */
class OverdueReviewsIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String SINCE = "https://fhir.childlink.uk/StructureDefinition/out-of-view-since";
	private static final String REASON = "https://fhir.childlink.uk/StructureDefinition/out-of-view-reason";
	private static final String REVIEW = "https://fhir.childlink.uk/StructureDefinition/overdue-review";

	@Test
	void aHealthVisitingServiceListsItsChildrenWithAnOverdueReviewLongestFirst() {
		Org service = Organisations.health(client(), "health-visitor");
		Org otherService = Organisations.health(client(), "health-visitor");

		IIdType newBirthLate = child(service, "NewBirthLate", TODAY.minusDays(20));
		IIdType tooSoon = child(service, "TooSoon", TODAY.minusDays(5));
		IIdType upToDate = child(service, "UpToDate", TODAY.minusMonths(10));
		review(service, upToDate, "new-birth-visit", TODAY.minusMonths(10).plusDays(12));
		review(service, upToDate, "6-8-week-review", TODAY.minusMonths(10).plusWeeks(7));
		LocalDate bornYearAgo = TODAY.minusMonths(14);
		IIdType yearLate = child(service, "YearLate", bornYearAgo);
		review(service, yearLate, "new-birth-visit", bornYearAgo.plusDays(12));
		review(service, yearLate, "6-8-week-review", bornYearAgo.plusWeeks(7));
		Encounter notDone = Records.hcpReview(new Reference(yearLate.getValue()), service.ref(), "1-year-review",
				TODAY.minusDays(10).toString()).setStatus(Encounter.EncounterStatus.CANCELLED);
		notDone.getExtension().clear(); // offered, not done: no outcome
		client(service.token()).create().resource(notDone).execute();
		LocalDate bornLongAgo = TODAY.minusMonths(26);
		IIdType nothingRecorded = child(service, "Nothing", bornLongAgo);
		IIdType seenElsewhere = child(service, "SeenElsewhere", TODAY.minusDays(20));
		review(otherService, seenElsewhere, "new-birth-visit", TODAY.minusDays(9));
		IIdType threeYearsOld = child(service, "Three", TODAY.minusYears(3).minusDays(10));
		IIdType leftCaseload = child(null, "Left", TODAY.minusDays(40));
		client(service.token()).create().resource(Records.healthVisiting(new Reference(leftCaseload.getValue()),
				service.ref(), TODAY.minusDays(38).toString(), TODAY.minusDays(2).toString())).execute();
		IIdType othersChild = child(otherService, "Others", TODAY.minusDays(20));
		IIdType died = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Died", "Early",
				bornLongAgo.toString()).setDeceased(new DateTimeType(TODAY.minusMonths(3).toString()))).execute().getId()
				.toUnqualifiedVersionless();
		client(service.token()).create().resource(Records.healthVisiting(new Reference(died.getValue()), service.ref(),
				bornLongAgo.plusDays(10).toString(), null)).execute();

		Bundle list = list(client(service.token()), null, null);
		assertThat(ids(list)).containsExactly(nothingRecorded.getIdPart(), yearLate.getIdPart(), newBirthLate.getIdPart());
		assertThat(ids(list)).doesNotContain(tooSoon.getIdPart(), upToDate.getIdPart(), seenElsewhere.getIdPart(),
				threeYearsOld.getIdPart(), leftCaseload.getIdPart(), othersChild.getIdPart(), died.getIdPart());

		// why: the review, since when, by how long
		Bundle.BundleEntrySearchComponent late = list.getEntry().get(2).getSearch();
		assertThat(((Coding) late.getExtensionByUrl(REVIEW).getValue()).getCode()).isEqualTo("new-birth-visit");
		assertThat(((DateType) late.getExtensionByUrl(SINCE).getValue()).getValueAsString())
				.as("overdue from the day after the 14th day").isEqualTo(TODAY.minusDays(5).toString());
		assertThat(((StringType) late.getExtensionByUrl(REASON).getValue()).getValue())
				.contains("New birth visit due by " + TODAY.minusDays(6), "overdue by 6 days");
		Bundle.BundleEntrySearchComponent year = list.getEntry().get(1).getSearch();
		assertThat(((Coding) year.getExtensionByUrl(REVIEW).getValue()).getCode())
				.as("a review offered and not done is still owed").isEqualTo("1-year-review");
		assertThat(((DateType) year.getExtensionByUrl(SINCE).getValue()).getValueAsString())
				.isEqualTo(bornYearAgo.plusMonths(12).plusDays(1).toString());
		Bundle.BundleEntrySearchComponent nothing = list.getEntry().get(0).getSearch();
		assertThat(((Coding) nothing.getExtensionByUrl(REVIEW).getValue()).getCode()).isEqualTo("new-birth-visit");
		assertThat(((StringType) nothing.getExtensionByUrl(REASON).getValue()).getValue())
				.contains("since then also due: 6 to 8 week review", "1 year review (by " + bornLongAgo.plusMonths(12) + ")")
				.doesNotContain("2 to 2 1/2 year review");

		// the other service sees only its own
		assertThat(ids(list(client(otherService.token()), null, null))).containsExactly(othersChild.getIdPart());

		// paged
		Bundle page = list(client(service.token()), 2, null);
		assertThat(ids(page)).containsExactly(nothingRecorded.getIdPart(), yearLate.getIdPart());
		Bundle next = client(service.token()).loadPage().next(page).execute();
		assertThat(ids(next)).containsExactly(newBirthLate.getIdPart());
		assertThat(next.getLink("next")).isNull();

		// recording the review takes the child off the list
		review(service, newBirthLate, "new-birth-visit", TODAY.toString());
		assertThat(ids(list(client(service.token()), null, null))).doesNotContain(newBirthLate.getIdPart());
	}

	@Test
	void aCallerOtherThanTheServiceSeesNoneOfItsChildrenAndBadRequestsAreRefused() {
		Org service = Organisations.health(client(), "health-visitor");
		Org council = Organisations.council(client());
		child(service, "Hidden", TODAY.minusDays(30));

		assertThat(list(client(council.token()), null, null).getEntry()).isEmpty();
		assertThatThrownBy(() -> list(client(council.token()), null, service.id()))
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		assertThat(http().get("/fhir/Patient/$reviews-overdue").body()).contains("OperationOutcome", "name the organisation");
		assertThat(http(service.token()).get("/fhir/Patient/$reviews-overdue?_count=501").status()).isEqualTo(400);
		assertThat(http().get("/fhir/Patient/$reviews-overdue?organization=Organization/a%20b").status()).isEqualTo(400);
		assertThat(list(client(), null, service.id()).getEntry()).hasSize(1);
	}

	private Bundle list(IGenericClient client, Integer count, String organization) {
		Parameters in = new Parameters();
		if (count != null) {
			in.addParameter("_count", new IntegerType(count));
		}
		if (organization != null) {
			in.addParameter("organization", new StringType(organization));
		}
		return client.operation().onType(Patient.class).named("$reviews-overdue").withParameters(in).useHttpGet()
				.returnResourceType(Bundle.class).execute();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
	}

	private void review(Org service, IIdType child, String code, LocalDate when) {
		review(service, child, code, when.toString());
	}

	private void review(Org service, IIdType child, String code, String when) {
		client(service.token()).create().resource(Records.hcpReview(new Reference(child.getValue()), service.ref(), code,
				when)).execute();
	}

	/** A child born on {@code born}, on the service's caseload since ten days later (null: on none). */
	private IIdType child(Org service, String family, LocalDate born) {
		IIdType child = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), family, "Early", born.toString()))
				.execute().getId().toUnqualifiedVersionless();
		if (service != null) {
			client(service.token()).create().resource(Records.healthVisiting(new Reference(child.getValue()),
					service.ref(), born.plusDays(10).toString(), null)).execute();
		}
		return child;
	}
}
