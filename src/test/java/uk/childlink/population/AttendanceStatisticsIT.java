package uk.childlink.population;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * Attendance statistics over HTTP with real tokens, checked against figures worked out by hand: a school of five
 * pupils (one with a longer record over its weeks, which counts once; a withdrawn record and a week outside the period,
 * which do not), another of two (every figure withheld, and left out of its council's), and their council (enrolments
 * rounded to 5). A health
 * partner related to none of the children reads them; bad requests are 400 or 404; the published reports are stored
 * and searched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttendanceStatisticsIT extends IntegrationTest {

	private static final String START = "2025-09-01";
	private static final String END = "2025-10-31";
	private static final String[][] WEEKS = {{"2025-09-08", "2025-09-12"}, {"2025-09-15", "2025-09-19"},
			{"2025-09-22", "2025-09-26"}, {"2025-09-29", "2025-10-03"}};

	private Org council;
	private Org school;
	private Org small;
	private Org health;

	@BeforeAll
	void recordTheTerm() {
		council = Organisations.council(client());
		school = Organisations.school(client(), council);
		small = Organisations.school(client(), council);
		health = Organisations.health(client(), "school-nurse");

		// pupil 1: always present; a withdrawn record of a bad week and a week after the period do not count
		Reference one = child("One");
		weeks(one, school, new int[][] {{10, 0, 0}, {10, 0, 0}, {10, 0, 0}, {10, 0, 0}});
		Observation withdrawn = Records.attendanceWeek(one, school.ref(), "2025-10-06", "2025-10-10", 0, 0, 10);
		withdrawn.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
		write(school, withdrawn);
		write(school, Records.attendanceWeek(one, school.ref(), "2025-11-03", "2025-11-07", 0, 0, 10));
		// pupil 2: 3 of 40 missed (7.5%), sent as weeks and again as the period's totals (as a CTF does): counted once
		Reference two = child("Two");
		weeks(two, school, new int[][] {{8, 2, 0}, {9, 0, 1}, {10, 0, 0}, {10, 0, 0}});
		write(school, Records.attendanceWeek(two, school.ref(), "2025-09-08", "2025-10-03", 37, 2, 1));
		// pupil 3: 24 of 40 missed (60%): persistently and severely absent
		Reference three = child("Three");
		weeks(three, school, new int[][] {{5, 3, 2}, {2, 0, 8}, {5, 5, 0}, {4, 2, 4}});
		// pupil 4: on roll for two weeks, 4 of 20 missed (20%)
		Reference four = child("Four");
		write(school, Records.attendanceWeek(four, school.ref(), WEEKS[0][0], WEEKS[0][1], 8, 0, 2));
		write(school, Records.attendanceWeek(four, school.ref(), WEEKS[1][0], WEEKS[1][1], 8, 0, 2));
		// pupil 5: 4 of 40 missed, exactly 10%: persistently absent
		Reference five = child("Five");
		weeks(five, school, new int[][] {{9, 1, 0}, {9, 1, 0}, {9, 1, 0}, {9, 1, 0}});

		// the small school: two pupils, one week each; one missed half its sessions
		write(small, Records.attendanceWeek(child("Six"), small.ref(), WEEKS[0][0], WEEKS[0][1], 10, 0, 0));
		write(small, Records.attendanceWeek(child("Seven"), small.ref(), WEEKS[0][0], WEEKS[0][1], 5, 0, 5));
	}

	@Test
	void aSchoolsFiguresAreTheDepartmentsMethodWorkedByHand() {
		MeasureReport report = evaluate(client(health.token()), school.id());

		assertThat(report.getMeasure()).isEqualTo("https://fhir.childlink.uk/Measure/pupil-absence");
		assertThat(report.getReporter().getReference()).isEqualTo(school.id());
		assertThat(report.getPeriod().getStartElement().getValueAsString()).isEqualTo(START);
		assertThat(report.hasSubject()).as("figures about a group, never naming a child").isFalse();
		// possible sessions 40 + 40 + 40 + 20 + 40 = 180; missed 0 + 3 + 24 + 4 + 4 = 35 (16 authorised, 19 not)
		assertThat(figures(report, "overall-absence")).isEqualTo(new Figures(35, 180, "0.194"));
		assertThat(figures(report, "authorised-absence")).isEqualTo(new Figures(16, 180, "0.089"));
		assertThat(figures(report, "unauthorised-absence")).isEqualTo(new Figures(19, 180, "0.106"));
		// 3 of 5 enrolments at 10% or more (pupils 3, 4, and 5 at exactly 10%)
		assertThat(figures(report, "persistent-absence")).isEqualTo(new Figures(3, 5, "0.600"));
		// 1 enrolment at 50% or more: a count of 1 is withheld, with its rate
		assertThat(figures(report, "severe-absence")).isEqualTo(new Figures(null, 5L, null));
		assertThat(masked(group(report, "severe-absence").getPopulation().get(1).getCountElement().getExtension())).isTrue();
	}

	@Test
	void aSchoolOfTwoPupilsHasEveryFigureWithheldAndIsLeftOutOfItsCouncilsRoundedFigures() {
		MeasureReport smallReport = evaluate(client(health.token()), small.id());
		for (MeasureReportGroupComponent group : smallReport.getGroup()) {
			assertThat(group.getPopulation()).allSatisfy(p -> {
				assertThat(p.getCountElement().hasValue()).isFalse();
				assertThat(masked(p.getCountElement().getExtension())).isTrue();
			});
		}

		MeasureReport councilReport = evaluate(client(health.token()), council.id());
		// the small school is left out (its figures would be the council's less the other school's); 5 enrolments
		assertThat(figures(councilReport, "overall-absence")).isEqualTo(new Figures(35, 180, "0.194"));
		assertThat(figures(councilReport, "authorised-absence")).isEqualTo(new Figures(16, 180, "0.089"));
		assertThat(figures(councilReport, "unauthorised-absence")).isEqualTo(new Figures(19, 180, "0.106"));
		// 3 persistently absent of 5, shown rounded to 5 with the rate from the true counts
		assertThat(figures(councilReport, "persistent-absence")).isEqualTo(new Figures(5, 5, "0.600"));
		// 1 severely absent: withheld
		assertThat(figures(councilReport, "severe-absence")).isEqualTo(new Figures(null, 5L, null));
	}

	@Test
	void publishedReportsAreStoredAndReadByAnyoneGrantedMeasureReportWithoutAChildRelationship() {
		Bundle published = client().operation().onInstance("Measure/pupil-absence").named("$publish-statistics")
				.withParameters(period()).returnResourceType(Bundle.class).execute();
		assertThat(published.getEntry()).extracting(e -> ((MeasureReport) e.getResource()).getReporter().getReference())
				.contains(school.id(), small.id(), council.id());

		Bundle found = client(health.token()).search().forResource(MeasureReport.class)
				.where(MeasureReport.REPORTER.hasId(school.id()))
				.and(MeasureReport.MEASURE.hasId("https://fhir.childlink.uk/Measure/pupil-absence"))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		MeasureReport stored = (MeasureReport) found.getEntryFirstRep().getResource();
		assertThat(figures(stored, "overall-absence")).isEqualTo(new Figures(35, 180, "0.194"));

		// published again: the same period's report is replaced, not added to
		client().operation().onInstance("Measure/pupil-absence").named("$publish-statistics")
				.withParameters(period()).returnResourceType(Bundle.class).execute();
		assertThat(client(health.token()).search().forResource(MeasureReport.class)
				.where(MeasureReport.REPORTER.hasId(school.id())).returnBundle(Bundle.class).execute().getEntry())
				.hasSize(1);

		// the health partner still sees none of the children the figures come from
		assertThat(client(health.token()).search().forResource(Observation.class)
				.where(Observation.PERFORMER.hasId(school.id())).returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	@Test
	void aRecordCorrectedWithdrawnOrDeletedChangesTheFiguresWithTheWrite() {
		Org own = Organisations.school(client());
		List<IIdType> weeks = new java.util.ArrayList<>();
		for (String given : List.of("A", "B", "C", "D", "E")) {
			weeks.add(client(own.token()).create().resource(Records.attendanceWeek(child(given), own.ref(), WEEKS[0][0],
					WEEKS[0][1], 10, 0, 0)).execute().getId().toUnqualifiedVersionless());
		}
		assertThat(figures(evaluate(client(health.token()), own.id()), "overall-absence"))
				.isEqualTo(new Figures(0, 50, "0.000"));

		// corrected: five sessions of the first pupil's week were unauthorised absence after all
		Observation corrected = client(own.token()).read().resource(Observation.class).withId(weeks.get(0)).execute();
		Observation replacement = Records.attendanceWeek(corrected.getSubject(), own.ref(), WEEKS[0][0], WEEKS[0][1], 5,
				0, 5);
		replacement.setId(weeks.get(0));
		client(own.token()).update().resource(replacement).execute();
		assertThat(figures(evaluate(client(health.token()), own.id()), "overall-absence"))
				.isEqualTo(new Figures(5, 50, "0.100"));

		// withdrawn (entered in error) and deleted: they no longer count
		Observation withdrawn = client(own.token()).read().resource(Observation.class).withId(weeks.get(1)).execute();
		withdrawn.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
		client(own.token()).update().resource(withdrawn).execute();
		client(own.token()).delete().resourceById(weeks.get(2)).execute();
		MeasureReport after = evaluate(client(health.token()), own.id());
		assertThat(figures(after, "overall-absence")).isEqualTo(new Figures(5, 30, "0.167"));
		assertThat(figures(after, "persistent-absence")).as("one pupil of three at 10% or more: withheld")
				.isEqualTo(new Figures(null, 3L, null));
	}

	@Test
	void whoMayAskAndWhatIsRefused() {
		String q = "/fhir/Measure/pupil-absence/$evaluate-measure?periodStart=" + START + "&periodEnd=" + END;
		String noScope = Tokens.token().subject("nurse").organisation(Tokens.ODS, health.identifier()).agency("health")
				.scope("user/Patient.rs").sign();
		assertThat(http(noScope).get(q + "&subject=" + school.id()).status()).isEqualTo(403);
		assertThat(http(health.token()).send("POST", "/fhir/Measure/pupil-absence/$publish-statistics?periodStart="
				+ START + "&periodEnd=" + END, Map.of(), null).status()).isEqualTo(403);
		assertThat(http(health.token()).send("POST", "/fhir/MeasureReport", Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(evaluate(client(), school.id()))).status()).isEqualTo(403);

		Map<String, Integer> refused = Map.of(
				q.replace(START, "2025-13-01") + "&subject=" + school.id(), 400,
				q.replace(START, "01/09/2025") + "&subject=" + school.id(), 400,
				q.replace(END, "2025-08-01") + "&subject=" + school.id(), 400,
				q.replace(START, "2023-09-01") + "&subject=" + school.id(), 400,
				q.replace(START, "2025-09-08") + "&subject=" + school.id(), 400,
				q + "&subject=Patient/123", 400,
				q + "&subject=" + school.id() + "&reportType=subject", 400,
				q, 400,
				q + "&subject=Organization/no-such-school", 404,
				q.replace("pupil-absence", "some-other-measure") + "&subject=" + school.id(), 404);
		refused.forEach((request, status) -> {
			var answer = http(health.token()).get(request);
			assertThat(answer.status()).as(request).isEqualTo(status);
			assertThat(answer.body()).as(request).contains("OperationOutcome");
		});
	}

	private record Figures(Long numerator, Long denominator, String rate) {
		Figures(long numerator, long denominator, String rate) {
			this(Long.valueOf(numerator), Long.valueOf(denominator), rate);
		}
	}

	private static Figures figures(MeasureReport report, String code) {
		MeasureReportGroupComponent group = group(report, code);
		Long numerator = null;
		Long denominator = null;
		for (var population : group.getPopulation()) {
			Long count = population.getCountElement().hasValue() ? (long) population.getCount() : null;
			if (population.getCode().getCodingFirstRep().getCode().equals("numerator")) {
				numerator = count;
			} else {
				denominator = count;
			}
		}
		BigDecimal score = group.getMeasureScore().getValue();
		return new Figures(numerator, denominator, score == null ? null : score.toPlainString());
	}

	private static MeasureReportGroupComponent group(MeasureReport report, String code) {
		return report.getGroup().stream().filter(g -> g.getCode().getCodingFirstRep().getCode().equals(code))
				.findFirst().orElseThrow();
	}

	private static boolean masked(List<org.hl7.fhir.r4.model.Extension> extensions) {
		return extensions.stream().anyMatch(e -> e.getUrl().equals("http://hl7.org/fhir/StructureDefinition/data-absent-reason")
				&& "masked".equals(e.getValue().primitiveValue()));
	}

	private MeasureReport evaluate(IGenericClient client, String organisation) {
		Parameters in = period();
		in.addParameter("subject", new StringType(organisation));
		return client.operation().onInstance("Measure/pupil-absence").named("$evaluate-measure").withParameters(in)
				.useHttpGet().returnResourceType(MeasureReport.class).execute();
	}

	private static Parameters period() {
		Parameters in = new Parameters();
		in.addParameter("periodStart", new StringType(START));
		in.addParameter("periodEnd", new StringType(END));
		return in;
	}

	private Reference child(String given) {
		IIdType id = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Statistics", given,
				"2016-05-01")).execute().getId().toUnqualifiedVersionless();
		return new Reference(id.getValue());
	}

	private void weeks(Reference child, Org at, int[][] counts) {
		for (int i = 0; i < counts.length; i++) {
			write(at, Records.attendanceWeek(child, at.ref(), WEEKS[i][0], WEEKS[i][1], counts[i][0], counts[i][1],
					counts[i][2]));
		}
	}

	private void write(Org at, Observation record) {
		client(at.token()).create().resource(record).execute();
	}
}
