package uk.childlink.population.statistics;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Organization;

/**
 * Computes absence reports: for one organisation on request, and for every school with records in a period and every
 * council of those schools when the statistics are published (stored as MeasureReports, one per organisation and
 * period, replaced when the same period is published again). A council's schools are the Organizations whose
 * {@code partOf} is the council (a school whose own report is withheld is left out of its council's); a school is its
 * own.
 */
final class StatisticsPublisher {

	private final IFhirResourceDao<Organization> organisations;
	private final IFhirResourceDao<MeasureReport> reports;
	private final AbsenceStatistics statistics;

	StatisticsPublisher(IFhirResourceDao<Organization> organisations, IFhirResourceDao<MeasureReport> reports,
			AbsenceStatistics statistics) {
		this.organisations = organisations;
		this.reports = reports;
		this.statistics = statistics;
	}

	/** The report of one organisation (a school, or a council with its schools); 404 when it is not known. */
	MeasureReport evaluate(String organisation, LocalDate start, LocalDate end) {
		Organization org = read(organisation)
				.orElseThrow(() -> new ResourceNotFoundException(organisation + " is not known"));
		List<String> parts = partsOf(organisation);
		if (parts.isEmpty()) {
			AbsenceFigures figures = statistics.perSchool(List.of(organisation), start, end)
					.getOrDefault(organisation, AbsenceFigures.NONE);
			return AbsenceReport.of(organisation, org.getName(), false, start, end, figures, new Date());
		}
		return AbsenceReport.of(organisation, org.getName(), true, start, end,
				councilTotal(statistics.perSchool(parts, start, end).values()), new Date());
	}

	/**
	 * Stores the period's reports of every school with records in it and of every council those schools are part of,
	 * and returns them.
	 */
	List<MeasureReport> publish(LocalDate start, LocalDate end) {
		Map<String, AbsenceFigures> perSchool = statistics.perSchool(statistics.schoolsWithRecords(start, end), start, end);
		Date computed = new Date();
		List<MeasureReport> published = new ArrayList<>();
		Map<String, List<AbsenceFigures>> councils = new LinkedHashMap<>();
		for (Map.Entry<String, AbsenceFigures> school : perSchool.entrySet()) {
			Optional<Organization> org = read(school.getKey());
			if (org.isEmpty()) {
				continue; // records of a school since deleted: not published under an organisation that is gone
			}
			published.add(store(AbsenceReport.of(school.getKey(), org.get().getName(), false, start, end,
					school.getValue(), computed)));
			if (org.get().hasPartOf() && org.get().getPartOf().getReference() != null) {
				councils.computeIfAbsent(org.get().getPartOf().getReference(), c -> new ArrayList<>())
						.add(school.getValue());
			}
		}
		for (Map.Entry<String, List<AbsenceFigures>> council : councils.entrySet()) {
			read(council.getKey()).ifPresent(org -> published.add(store(AbsenceReport.of(council.getKey(),
					org.getName(), true, start, end, councilTotal(council.getValue()), computed))));
		}
		return published;
	}

	/**
	 * A council's figures: its schools' together, leaving out a school whose own report is withheld (1 or 2
	 * enrolments), whose figures would otherwise be the council's less the other schools' published ones.
	 */
	static AbsenceFigures councilTotal(java.util.Collection<AbsenceFigures> schools) {
		return AbsenceStatistics.total(schools.stream().filter(school -> school.enrolments() > 2).toList());
	}

	private MeasureReport store(MeasureReport report) {
		report.setId(new IdType("MeasureReport", idOf(report.getReporter().getReference(),
				report.getPeriod().getStartElement().getValueAsString(), report.getPeriod().getEndElement().getValueAsString())));
		reports.update(report, new SystemRequestDetails());
		return report;
	}

	/** One stored report per organisation and period: {@code absence-} and a digest of the two. */
	static String idOf(String organisation, String start, String end) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
					.digest((organisation + "|" + start + "|" + end).getBytes(StandardCharsets.UTF_8));
			return "absence-" + HexFormat.of().formatHex(digest, 0, 16);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private List<String> partsOf(String organisation) {
		List<String> parts = new ArrayList<>();
		for (IBaseResource part : organisations.search(SearchParameterMap.newSynchronous()
				.add(Organization.SP_PARTOF, new ReferenceParam(organisation)), new SystemRequestDetails())
				.getAllResources()) {
			parts.add("Organization/" + part.getIdElement().getIdPart());
		}
		return parts;
	}

	private Optional<Organization> read(String organisation) {
		try {
			return Optional.of(organisations.read(new IdType(organisation), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}
}
