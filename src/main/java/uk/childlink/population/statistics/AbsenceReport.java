package uk.childlink.population.statistics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * An organisation's absence figures as a MeasureReport of {@value #MEASURE}, with small numbers suppressed as the
 * Department for Education's pupil absence methodology states ("Suppression of absence data"): an enrolment count of
 * 1 or 2 is withheld, and so is any rate whose numerator or denominator is one (the group then has no score); a local authority's enrolment counts are
 * rounded to the nearest 5 (so that a withheld school figure cannot be worked out from the total). A figure withheld
 * carries data-absent-reason {@code masked}; a zero is a true zero. ChildLink adds one rule: a report of 1 or 2
 * enrolments withholds every figure, since its session rates would be one or two pupils' own.
 */
final class AbsenceReport {

	static final String MEASURE = "https://fhir.childlink.uk/Measure/pupil-absence";
	static final String PROFILE = "https://fhir.childlink.uk/StructureDefinition/statistics-report";
	static final String GROUPS = "https://fhir.childlink.uk/CodeSystem/absence-measure";
	private static final String POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population";
	private static final String DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

	private AbsenceReport() {}

	/**
	 * The report of {@code organisation} ({@code Organization/<id>}, with its name) over the period; {@code council}:
	 * the figures are a local authority's (the sum of its schools'), whose enrolment counts are rounded.
	 */
	static MeasureReport of(String organisation, String name, boolean council, LocalDate start, LocalDate end,
			AbsenceFigures figures, Date computed) {
		MeasureReport report = new MeasureReport();
		report.getMeta().addProfile(PROFILE);
		report.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
		report.setType(MeasureReport.MeasureReportType.SUMMARY);
		report.setMeasure(MEASURE);
		report.setDate(computed);
		report.setReporter(new Reference(organisation).setDisplay(name));
		report.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType(start.toString()))
				.setEndElement(new org.hl7.fhir.r4.model.DateTimeType(end.toString()));
		boolean tooFew = figures.enrolments() == 1 || figures.enrolments() == 2;
		Long enrolments = tooFew ? null : rounded(figures.enrolments(), council);
		Long possible = tooFew ? null : figures.possible();
		session(report, "overall-absence", tooFew ? null : figures.absent(), possible);
		session(report, "authorised-absence", tooFew ? null : figures.authorised(), possible);
		session(report, "unauthorised-absence", tooFew ? null : figures.unauthorised(), possible);
		enrolment(report, "persistent-absence", tooFew ? null : figures.persistent(), enrolments, figures, council);
		enrolment(report, "severe-absence", tooFew ? null : figures.severe(), enrolments, figures, council);
		return report;
	}

	/** A rate of sessions: its counts are sessions, not pupils, and are shown unless the whole report is withheld. */
	private static void session(MeasureReport report, String code, Long missed, Long possible) {
		MeasureReportGroupComponent group = group(report, code);
		population(group, "denominator", possible);
		population(group, "numerator", missed);
		score(group, missed, possible);
	}

	/** A rate of enrolments: a count of 1 or 2 is withheld with its rate; a council's counts are rounded to 5. */
	private static void enrolment(MeasureReport report, String code, Long count, Long enrolments,
			AbsenceFigures figures, boolean council) {
		MeasureReportGroupComponent group = group(report, code);
		Long shown = count == null || count == 1 || count == 2 ? null : rounded(count, council);
		population(group, "denominator", enrolments);
		population(group, "numerator", shown);
		// the rate from the unrounded counts, as the Department's own tables give it
		score(group, shown == null ? null : count, enrolments == null ? null : figures.enrolments());
	}

	private static MeasureReportGroupComponent group(MeasureReport report, String code) {
		return report.addGroup().setCode(new CodeableConcept().addCoding(
				new org.hl7.fhir.r4.model.Coding(GROUPS, code, null)));
	}

	private static void population(MeasureReportGroupComponent group, String code, Long count) {
		var population = group.addPopulation().setCode(new CodeableConcept().addCoding(
				new org.hl7.fhir.r4.model.Coding(POPULATION, code, null)));
		if (count != null) {
			population.setCountElement(new IntegerType(Math.toIntExact(count)));
		} else {
			population.setCountElement(masked(new IntegerType()));
		}
	}

	private static void score(MeasureReportGroupComponent group, Long numerator, Long denominator) {
		// withheld (its count says so, masked) or nothing to divide by: no score, as the validator wants a proportion's
		// score to have a value when it is there
		if (numerator != null && denominator != null && denominator > 0) {
			group.setMeasureScore(new Quantity().setValue(proportion(numerator, denominator)));
		}
	}

	/**
	 * The proportion (a FHIR proportion measure's score has no unit) to three decimal places: the Department's rate,
	 * a percentage to one decimal place, divided by 100.
	 */
	static BigDecimal proportion(long numerator, long denominator) {
		return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), 3, RoundingMode.HALF_UP);
	}

	static long rounded(long count, boolean council) {
		return council ? Math.round(count / 5.0) * 5 : count;
	}

	private static IntegerType masked(IntegerType element) {
		element.addExtension(new Extension(DATA_ABSENT, new CodeType("masked")));
		return element;
	}

}
