package uk.childlink.outofview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.EpisodeOfCare;
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
import uk.childlink.support.Tokens;

/**
 * {@code Patient/$children-missing-education} over HTTP with real tokens: a council's children of compulsory school age
 * on no school's roll, longest first, with since when and why; not those on a roll or with an admission planned, too
 * young, or another council's; paged; audited; refused with 400 or 403 where the caller asks wrongly.
 */
class MissingEducationIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String SINCE = "https://fhir.childlink.uk/StructureDefinition/out-of-view-since";
	private static final String REASON = "https://fhir.childlink.uk/StructureDefinition/out-of-view-reason";

	@Test
	void aCouncilListsItsChildrenOfSchoolAgeOnNoRollLongestFirstWithSinceWhenAndWhy() {
		Org council = council();
		Org otherCouncil = council();
		Org school = school();
		Org nextSchool = school();

		IIdType enrolled = child(council, "Enrolled", "2016-03-03");
		enrol(school, enrolled, "2022-09-01", null);
		IIdType left = child(council, "Left", "2016-03-03");
		enrol(school, left, "2022-09-01", TODAY.minusDays(30));
		IIdType leftEarlier = child(council, "Earlier", "2015-05-05");
		enrol(school, leftEarlier, "2021-09-01", TODAY.minusDays(60));
		IIdType never = child(council, "Never", "2016-03-03");
		IIdType young = child(council, "Young", TODAY.minusYears(4).toString());
		IIdType admitted = child(council, "Admitted", "2016-03-03");
		enrol(school, admitted, "2022-09-01", TODAY.minusDays(30));
		EpisodeOfCare planned = Records.enrolment(new Reference(admitted.getValue()), nextSchool.ref(),
				TODAY.plusDays(5).toString(), null).setStatus(EpisodeOfCare.EpisodeOfCareStatus.PLANNED);
		client(nextSchool.token()).create().resource(planned).execute();
		IIdType elsewhere = child(otherCouncil, "Elsewhere", "2016-03-03");

		Bundle list = list(client(council.token()), null, null);
		assertThat(ids(list)).containsExactly(leftEarlier.getIdPart(), left.getIdPart(), never.getIdPart());
		assertThat(ids(list)).doesNotContain(enrolled.getIdPart(), young.getIdPart(), admitted.getIdPart(),
				elsewhere.getIdPart());
		Bundle.BundleEntrySearchComponent first = list.getEntry().get(0).getSearch();
		assertThat(((DateType) first.getExtensionByUrl(SINCE).getValue()).getValueAsString())
				.isEqualTo(TODAY.minusDays(60).toString());
		assertThat(((StringType) first.getExtensionByUrl(REASON).getValue()).getValue()).contains(school.id());
		Bundle.BundleEntrySearchComponent last = list.getEntry().get(2).getSearch();
		assertThat(((DateType) last.getExtensionByUrl(SINCE).getValue()).getValueAsString())
				.as("of compulsory school age since the prescribed day after the fifth birthday").isEqualTo("2021-03-31");
		assertThat(((StringType) last.getExtensionByUrl(REASON).getValue()).getValue())
				.contains("No school enrolment recorded");

		// another council sees only its own
		assertThat(ids(list(client(otherCouncil.token()), null, null))).containsExactly(elsewhere.getIdPart());

		// paged: the next link carries on where the page ended
		Bundle page = list(client(council.token()), 2, null);
		assertThat(ids(page)).containsExactly(leftEarlier.getIdPart(), left.getIdPart());
		assertThat(page.getLink("next")).isNotNull();
		Bundle next = client(council.token()).loadPage().next(page).execute();
		assertThat(ids(next)).containsExactly(never.getIdPart());
		assertThat(next.getLink("next")).isNull();
		assertThat(next.getLink("previous")).isNotNull();

		// audited like every read: the council reads in the child's trail that it listed the child
		List<AuditEvent> trail = client(council.token()).search().byUrl("AuditEvent?child=" + never.getValue())
				.returnBundle(Bundle.class).execute().getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
		assertThat(trail).anySatisfy(e -> assertThat(e.getEntity()).anyMatch(en -> en.hasQuery()
				&& new String(en.getQuery(), StandardCharsets.UTF_8).contains("$children-missing-education")));
	}

	@Test
	void aCallerOtherThanTheCouncilSeesNoneOfItsChildrenAndBadRequestsAreRefused() {
		Org council = council();
		Org school = school();
		child(council, "Hidden", "2016-03-03");

		// a school's own list (no child has a school as its responsible council) is empty; it may not ask for the council's
		Bundle schools = list(client(school.token()), null, null);
		assertThat(schools.getEntry()).isEmpty();
		assertThatThrownBy(() -> client(school.token()).operation().onType(Patient.class)
				.named("$children-missing-education").withParameter(Parameters.class, "organization",
						new StringType(council.id())).useHttpGet().returnResourceType(Bundle.class).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
		// a token without the scope to search children
		String noScope = Tokens.token().subject("reader").organisation(Tokens.LA, council.identifier())
				.agency("social-care").scope("user/Observation.rs").sign();
		assertThat(http(noScope).get("/fhir/Patient/$children-missing-education").status()).isEqualTo(403);

		// an admin must name the council; bad paging and names are 400 with an OperationOutcome
		assertThat(http().get("/fhir/Patient/$children-missing-education").status()).isEqualTo(400);
		assertThat(http(council.token()).get("/fhir/Patient/$children-missing-education?_count=0").status())
				.isEqualTo(400);
		assertThat(http(council.token()).get("/fhir/Patient/$children-missing-education?_offset=-1").status())
				.isEqualTo(400);
		assertThat(http().get("/fhir/Patient/$children-missing-education?organization=Organization/a%20b").body())
				.contains("OperationOutcome", "organization must be Organization/{id}");
		assertThat(http().get("/fhir/Patient/$children-missing-education?organization=Organization/no-such-council")
				.status()).isEqualTo(200);
		// an admin naming the council sees its list
		assertThat(list(client(), null, council.id()).getEntry()).hasSize(1);
	}

	private Bundle list(IGenericClient client, Integer count, String organization) {
		Parameters in = new Parameters();
		if (count != null) {
			in.addParameter("_count", new IntegerType(count));
		}
		if (organization != null) {
			in.addParameter("organization", new StringType(organization));
		}
		return client.operation().onType(Patient.class).named("$children-missing-education").withParameters(in)
				.useHttpGet().returnResourceType(Bundle.class).execute();
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
	}

	private void enrol(Org school, IIdType child, String start, LocalDate left) {
		EpisodeOfCare enrolment = Records.enrolment(new Reference(child.getValue()), school.ref(), start,
				left == null ? null : left.toString());
		client(school.token()).create().resource(enrolment).execute();
	}

	private IIdType child(Org council, String family, String born) {
		Patient patient = Fixtures.child(Fixtures.nextNhsNumber(), family, "Roll", born);
		patient.setManagingOrganization(council.ref());
		return client().create().resource(patient).execute().getId().toUnqualifiedVersionless();
	}

	private Org council() {
		return Organisations.council(client());
	}

	private Org school() {
		return Organisations.school(client());
	}
}
