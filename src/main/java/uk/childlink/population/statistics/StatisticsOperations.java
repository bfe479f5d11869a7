package uk.childlink.population.statistics;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.StringType;

/**
 * The attendance statistics over HTTP, on the one Measure ChildLink evaluates ({@code Measure/pupil-absence}):
 * <ul>
 * <li>{@code GET Measure/pupil-absence/$evaluate-measure?periodStart=&periodEnd=&subject=Organization/{id}}: FHIR's own
 * operation, computed now for a school or a council (its schools); the report is not stored;</li>
 * <li>{@code POST Measure/pupil-absence/$publish-statistics} (admin; what the fortnightly schedule does): every school's
 * and council's report of the period, stored as MeasureReports.</li>
 * </ul>
 * Only population figures are offered: a child's own attendance is {@code Patient/{id}/$attendance}, under the
 * access rules.
 */
final class StatisticsOperations {

	static final String MEASURE_ID = "pupil-absence";

	private final StatisticsPublisher publisher;

	StatisticsOperations(StatisticsPublisher publisher) {
		this.publisher = publisher;
	}

	@Operation(name = "$evaluate-measure", type = Measure.class, idempotent = true)
	@Description(shortDefinition = "The absence figures of a school or a council (its schools) over a period, by the "
			+ "Department for Education's method, small numbers suppressed")
	public MeasureReport evaluate(@IdParam IdType measure,
			@OperationParam(name = "periodStart", min = 1, max = 1, typeName = "string") StringType periodStart,
			@OperationParam(name = "periodEnd", min = 1, max = 1, typeName = "string") StringType periodEnd,
			@OperationParam(name = "subject", min = 1, max = 1, typeName = "string") StringType subject,
			@OperationParam(name = "reportType", max = 1, typeName = "string") StringType reportType) {
		ours(measure);
		if (reportType != null && reportType.getValue() != null && !reportType.getValue().equals("population")) {
			throw new InvalidRequestException("$evaluate-measure: reportType '" + reportType.getValue() + "' is not "
					+ "offered: the statistics are population figures (reportType=population); a child's own attendance "
					+ "is Patient/{id}/$attendance");
		}
		String organisation = subject == null ? null : subject.getValue();
		if (organisation == null || !organisation.matches("Organization/[A-Za-z0-9\\-.]{1,64}")) {
			throw new InvalidRequestException("$evaluate-measure needs subject=Organization/{id}: the school, or the "
					+ "council whose schools' figures you want (not '" + organisation + "')");
		}
		Period period = Period.of(periodStart, periodEnd, "$evaluate-measure");
		return publisher.evaluate(organisation, period.start(), period.end());
	}

	@Operation(name = "$publish-statistics", type = Measure.class)
	@Description(shortDefinition = "Stores every school's and council's absence report of the period (admin)")
	public Bundle publish(@IdParam IdType measure,
			@OperationParam(name = "periodStart", min = 1, max = 1, typeName = "string") StringType periodStart,
			@OperationParam(name = "periodEnd", min = 1, max = 1, typeName = "string") StringType periodEnd) {
		ours(measure);
		Period period = Period.of(periodStart, periodEnd, "$publish-statistics");
		Bundle out = new Bundle().setType(Bundle.BundleType.COLLECTION);
		for (MeasureReport report : publisher.publish(period.start(), period.end())) {
			out.addEntry().setFullUrl("MeasureReport/" + report.getIdElement().getIdPart()).setResource(report);
		}
		out.setTotal(out.getEntry().size());
		return out;
	}

	private static void ours(IdType measure) {
		if (!MEASURE_ID.equals(measure.getIdPart())) {
			throw new ResourceNotFoundException("Measure/" + measure.getIdPart() + " is not one ChildLink evaluates: "
					+ "its attendance statistics are Measure/" + MEASURE_ID);
		}
	}

	/** A period of whole days, as the operations take it. */
	record Period(LocalDate start, LocalDate end) {
		static Period of(StringType start, StringType end, String operation) {
			LocalDate first = day(start, "periodStart", operation);
			LocalDate last = day(end, "periodEnd", operation);
			if (last.isBefore(first)) {
				throw new InvalidRequestException(operation + ": periodEnd (" + last + ") is before periodStart ("
						+ first + ")");
			}
			if (first.getMonthValue() != 9 || first.getDayOfMonth() != 1 || !last.isBefore(first.plusYears(1))) {
				// cumulative from the start of the school year, as the Department publishes: periods that could be
				// subtracted from one another would give a small school's figures for a day
				throw new InvalidRequestException(operation + ": the figures are for the school year to a date: "
						+ "periodStart is 1 September and periodEnd within that school year (not " + first + " to "
						+ last + ")");
			}
			return new Period(first, last);
		}

		private static LocalDate day(StringType value, String name, String operation) {
			String text = value == null ? null : value.getValue();
			try {
				if (text != null && text.length() == 10) {
					return LocalDate.parse(text);
				}
			} catch (DateTimeParseException e) {
				// said below
			}
			throw new InvalidRequestException(operation + " needs " + name + " as a full date, YYYY-MM-DD (not '"
					+ text + "')");
		}
	}
}
