package uk.childlink.population.statistics;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Adds up the attendance records' counts ({@code cl_attendance_record}, kept with the records by
 * {@code care.attendance.AttendanceIndex}) per school over a period, by the Department for Education's method: a record
 * counts when its whole period lies within the requested one and it does not lie within a longer record of the same
 * school and pupil (a Common Transfer File's year totals over the weeks), as {@code Patient/$attendance} counts a
 * child's; each pupil at each school is one enrolment, persistently absent at 10% or more of its possible sessions
 * missed and severely at 50%, compared exactly. One SQL statement, whatever the number of schools.
 */
final class AbsenceStatistics {

	private static final String PER_SCHOOL = """
			WITH counted AS (
			  SELECT r.school, r.child, r.possible, r.authorised, r.unauthorised
			  FROM cl_attendance_record r
			  WHERE r.school = ANY (?) AND r.period_start >= ? AND r.period_end <= ?
			  AND NOT EXISTS (
			    SELECT 1 FROM cl_attendance_record o
			    WHERE o.school = r.school AND o.child = r.child AND o.observation <> r.observation
			    AND o.period_start >= ? AND o.period_end <= ?
			    AND o.period_start <= r.period_start AND o.period_end >= r.period_end
			    AND (o.period_start < r.period_start OR o.period_end > r.period_end))
			), enrolments AS (
			  SELECT school, child, sum(possible) AS possible, sum(authorised) AS authorised,
			    sum(unauthorised) AS unauthorised
			  FROM counted GROUP BY school, child HAVING sum(possible) > 0
			)
			SELECT school, count(*) AS enrolments, sum(possible) AS possible, sum(authorised) AS authorised,
			  sum(unauthorised) AS unauthorised,
			  count(*) FILTER (WHERE (authorised + unauthorised) * 10 >= possible) AS persistent,
			  count(*) FILTER (WHERE (authorised + unauthorised) * 2 >= possible) AS severe
			FROM enrolments GROUP BY school
			""";

	private final JdbcTemplate sql;

	AbsenceStatistics(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	/** Each school's figures (schools as {@code Organization/<id>}); a school without records in the period is absent. */
	Map<String, AbsenceFigures> perSchool(Collection<String> schools, LocalDate start, LocalDate end) {
		Map<String, AbsenceFigures> figures = new LinkedHashMap<>();
		if (schools.isEmpty()) {
			return figures;
		}
		Date from = Date.valueOf(start);
		Date to = Date.valueOf(end);
		sql.query(connection -> {
			var statement = connection.prepareStatement(PER_SCHOOL);
			statement.setArray(1, connection.createArrayOf("text", schools.toArray()));
			statement.setDate(2, from);
			statement.setDate(3, to);
			statement.setDate(4, from);
			statement.setDate(5, to);
			return statement;
		}, row -> {
			figures.put(row.getString("school"), new AbsenceFigures(row.getLong("enrolments"), row.getLong("possible"),
					row.getLong("authorised"), row.getLong("unauthorised"), row.getLong("persistent"),
					row.getLong("severe")));
		});
		return figures;
	}

	/** The schools with attendance records lying within the period. */
	List<String> schoolsWithRecords(LocalDate start, LocalDate end) {
		return sql.queryForList("SELECT DISTINCT school FROM cl_attendance_record WHERE period_start >= ? "
				+ "AND period_end <= ? ORDER BY school", String.class, Date.valueOf(start), Date.valueOf(end));
	}

	/** The sum of the schools' figures (enrolments are per school: a pupil at two schools is two enrolments). */
	static AbsenceFigures total(Collection<AbsenceFigures> schools) {
		return schools.stream().reduce(AbsenceFigures.NONE, AbsenceFigures::plus);
	}
}
