package uk.childlink.outofview.lists;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.BaseResourceIndexedSearchParam;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.conformance.CodeLists;
import uk.childlink.earlyyears.ReviewSchedule;

/**
 * The questions the long worklists ask of HAPI's search index tables ({@code hfj_res_link}, {@code hfj_spidx_token},
 * {@code hfj_spidx_date}, kept by HAPI in the transaction of every write), in one SQL statement each: which of an
 * organisation's children are on the list and the few facts that order it. A search through HAPI would load and parse
 * every episode and review of the organisation's children (12,500 enrolments for a council at the benchmark's size,
 * seconds); these read index rows of that organisation's children only, and the records themselves are read for the
 * page shown. Token and date rows are found by HAPI's own hashes of (resource type, parameter, value), as its
 * searches find them.
 */
final class ListIndexes {

	/** A child under 3 on a health visiting caseload: its id, birth date, and the reviews recorded as done. */
	record YoungChild(String id, LocalDate born, Set<String> reviewsDone) {}

	private static final List<String> ON_ROLL = List.of("planned", "active", "onhold", "waitlist");

	private final JdbcTemplate sql;
	private final long birthDate;
	private final long enrolmentType;
	private final List<Long> onRoll = new ArrayList<>();
	private final long healthVisitingType;
	private final long episodeActive;
	private final long episodePeriod;
	private final long inactive;
	private final long deceased;
	private final long reviewFinished;
	private final Map<Long, String> reviews = new HashMap<>();

	ListIndexes(DataSource dataSource, PartitionSettings partitions, ReviewSchedule schedule) {
		this.sql = new JdbcTemplate(dataSource);
		RequestPartitionId partition = RequestPartitionId.defaultPartition();
		birthDate = BaseResourceIndexedSearchParam.calculateHashIdentity(partitions, partition, "Patient", "birthdate");
		inactive = ResourceIndexedSearchParamToken.calculateHashValue(partitions, partition, "Patient", "active", "false");
		deceased = ResourceIndexedSearchParamToken.calculateHashValue(partitions, partition, "Patient", "deceased", "true");
		enrolmentType = ResourceIndexedSearchParamToken.calculateHashSystemAndValue(partitions, partition, "EpisodeOfCare",
				"type", CodeLists.EPISODE_TYPE, CodeLists.SCHOOL_ENROLMENT);
		ON_ROLL.forEach(status -> onRoll.add(ResourceIndexedSearchParamToken.calculateHashValue(partitions, partition,
				"EpisodeOfCare", "status", status)));
		healthVisitingType = ResourceIndexedSearchParamToken.calculateHashSystemAndValue(partitions, partition,
				"EpisodeOfCare", "type", CodeLists.EPISODE_TYPE, OverdueReviews.HEALTH_VISITING);
		episodeActive = ResourceIndexedSearchParamToken.calculateHashValue(partitions, partition, "EpisodeOfCare",
				"status", "active");
		episodePeriod = BaseResourceIndexedSearchParam.calculateHashIdentity(partitions, partition, "EpisodeOfCare", "date");
		reviewFinished = ResourceIndexedSearchParamToken.calculateHashValue(partitions, partition, "Encounter", "status",
				"finished");
		schedule.reviews().forEach(review -> reviews.put(ResourceIndexedSearchParamToken.calculateHashSystemAndValue(
				partitions, partition, "Encounter", "type", ReviewSchedule.SYSTEM, review.code()), review.code()));
	}

	/**
	 * The ids of the children the council ({@code Organization} id) is responsible for, born from {@code earliest} to
	 * {@code latest}, with no school-enrolment planned, active, on hold or waitlisted.
	 */
	List<String> onNoRoll(String council, LocalDate earliest, LocalDate latest) {
		Optional<Long> pid = organisation(council);
		if (pid.isEmpty()) {
			return List.of();
		}
		// each step materialised in this order (the organisation's own rows first), whatever the planner's statistics
		// say: after a bulk load they can make it start from every child's index rows instead
		return sql.queryForList("WITH children AS MATERIALIZED ("
				+ " SELECT m.src_resource_id AS id FROM hfj_res_link m"
				+ " WHERE m.src_path = 'Patient.managingOrganization' AND m.target_resource_id = ?), "
				+ "off_roll AS MATERIALIZED ("
				+ " SELECT c.id FROM children c"
				+ " WHERE EXISTS (SELECT 1 FROM hfj_spidx_date b WHERE b.res_id = c.id AND b.hash_identity = ?"
				+ "  AND b.sp_value_high_date_ordinal >= ? AND b.sp_value_low_date_ordinal <= ?)"
				+ " AND NOT EXISTS (SELECT 1 FROM hfj_res_link e"
				+ "  JOIN hfj_spidx_token ty ON ty.res_id = e.src_resource_id AND ty.hash_sys_and_value = ?"
				+ "  JOIN hfj_spidx_token st ON st.res_id = e.src_resource_id AND st.hash_value IN (?, ?, ?, ?)"
				+ "  WHERE e.target_resource_id = c.id AND e.src_path = 'EpisodeOfCare.patient')) "
				+ "SELECT r.fhir_id FROM off_roll o JOIN hfj_resource r ON r.res_id = o.id AND r.res_deleted_at IS NULL",
				String.class, pid.get(), birthDate, ordinal(earliest), ordinal(latest), enrolmentType, onRoll.get(0),
				onRoll.get(1), onRoll.get(2), onRoll.get(3));
	}

	/**
	 * The children under 3 (born after {@code today} 3 years ago; neither inactive, as a merged record is, nor
	 * deceased) on the caseload of the health visiting service ({@code Organization} id) today, with the reviews
	 * recorded as done for them (finished hcp-review Encounters, by any service).
	 */
	List<YoungChild> underThreeOnCaseload(String service, LocalDate today) {
		Optional<Long> pid = organisation(service);
		if (pid.isEmpty()) {
			return List.of();
		}
		Map<String, YoungChild> children = new HashMap<>();
		sql.query("WITH episodes AS MATERIALIZED ("
				+ " SELECT o.src_resource_id AS id FROM hfj_res_link o"
				+ " WHERE o.src_path = 'EpisodeOfCare.managingOrganization' AND o.target_resource_id = ?), "
				+ "caseload AS MATERIALIZED ("
				+ " SELECT DISTINCT p.target_resource_id AS id FROM episodes e"
				+ " JOIN hfj_res_link p ON p.src_resource_id = e.id AND p.src_path = 'EpisodeOfCare.patient'"
				+ " WHERE EXISTS (SELECT 1 FROM hfj_spidx_token ty WHERE ty.res_id = e.id AND ty.hash_sys_and_value = ?)"
				+ " AND EXISTS (SELECT 1 FROM hfj_spidx_token st WHERE st.res_id = e.id AND st.hash_value = ?)"
				+ " AND NOT EXISTS (SELECT 1 FROM hfj_spidx_date d WHERE d.res_id = e.id"
				+ "  AND d.hash_identity = ? AND d.sp_value_high_date_ordinal < ?)), "
				+ "young AS MATERIALIZED ("
				+ " SELECT c.id, b.sp_value_low_date_ordinal AS born FROM caseload c"
				+ " JOIN hfj_spidx_date b ON b.res_id = c.id AND b.hash_identity = ?"
				+ " WHERE b.sp_value_low_date_ordinal > ?"
				+ " AND NOT EXISTS (SELECT 1 FROM hfj_spidx_token x WHERE x.res_id = c.id AND x.hash_value IN (?, ?))) "
				+ "SELECT r.fhir_id, y.born, d.review FROM young y"
				+ " JOIN hfj_resource r ON r.res_id = y.id AND r.res_deleted_at IS NULL LEFT JOIN LATERAL ("
				+ " SELECT t.hash_sys_and_value AS review FROM hfj_res_link s"
				+ " JOIN hfj_spidx_token t ON t.res_id = s.src_resource_id AND t.hash_sys_and_value IN ("
				+ (reviews.isEmpty() ? "0" : String.join(", ", reviews.keySet().stream().map(String::valueOf).toList())) + ")"
				+ " JOIN hfj_spidx_token f ON f.res_id = s.src_resource_id AND f.hash_value = ?"
				+ " WHERE s.target_resource_id = y.id AND s.src_path = 'Encounter.subject') d ON true",
				row -> {
					LocalDate born = day(row.getInt(2));
					YoungChild child = children.computeIfAbsent(row.getString(1),
							id -> new YoungChild(id, born, new HashSet<>()));
					long review = row.getLong(3);
					if (!row.wasNull() && reviews.containsKey(review)) {
						child.reviewsDone().add(reviews.get(review));
					}
				}, pid.get(), healthVisitingType, episodeActive, episodePeriod, ordinal(today), birthDate,
				ordinal(today.minusYears(3)), inactive, deceased, reviewFinished);
		return new ArrayList<>(children.values());
	}

	private Optional<Long> organisation(String id) {
		return sql.queryForList("SELECT res_id FROM hfj_resource WHERE res_type = 'Organization' AND fhir_id = ? "
				+ "AND res_deleted_at IS NULL", Long.class, id).stream().findFirst();
	}

	/** How HAPI stores a day in its date index: yyyymmdd. */
	private static int ordinal(LocalDate day) {
		return day.getYear() * 10_000 + day.getMonthValue() * 100 + day.getDayOfMonth();
	}

	private static LocalDate day(int ordinal) {
		return LocalDate.of(ordinal / 10_000, ordinal / 100 % 100, ordinal % 100);
	}
}
