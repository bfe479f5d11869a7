package uk.childlink.population.statistics;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.platform.Worker;

/**
 * Publishes the attendance statistics on a schedule, as the Department for Education publishes its own fortnightly:
 * when the last publication started longer ago than {@code every}, the school year to date (to the Friday of the last
 * complete week) is published. The run is the one process's that adds its row to {@code cl_statistics_run}, so
 * several server processes publish it once; a run that failed is tried again an hour later.
 */
final class StatisticsSchedule implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(StatisticsSchedule.class);

	private final JdbcTemplate sql;
	private final StatisticsPublisher publisher;
	private final Clock clock;
	private final Duration every;
	private final Worker worker;

	StatisticsSchedule(DataSource dataSource, StatisticsPublisher publisher, Clock clock, Duration every) {
		this.sql = new JdbcTemplate(dataSource);
		this.publisher = publisher;
		this.clock = clock;
		this.every = every;
		this.worker = new Worker("attendance statistics", Duration.ofHours(1), () -> {}, this::publishIfDue);
	}

	void start() {
		worker.start();
	}

	/**
	 * The period a publication on {@code today} covers: the Friday of the last complete week, and the school year to
	 * it from 1 September (in the first days of September, the whole of the year before).
	 */
	static Period periodOn(LocalDate today) {
		LocalDate end = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SATURDAY)).minusDays(1);
		int startYear = end.getMonth().compareTo(Month.SEPTEMBER) >= 0 ? end.getYear() : end.getYear() - 1;
		return new Period(LocalDate.of(startYear, 9, 1), end);
	}

	record Period(LocalDate start, LocalDate end) {}

	/** Publishes when due; false (nothing more to do now) either way. */
	private boolean publishIfDue() {
		Period period = periodOn(LocalDate.now(clock));
		if (!sql.queryForObject("SELECT EXISTS (SELECT 1 FROM cl_statistics_run WHERE run = 'backfill' "
				+ "AND finished IS NOT NULL)", Boolean.class)) {
			return false; // the records stored before the statistics table are still being counted into it
		}
		String run = "absence/" + period.start() + "/" + period.end();
		boolean due = sql.queryForObject("SELECT NOT EXISTS (SELECT 1 FROM cl_statistics_run WHERE run LIKE 'absence/%' "
				+ "AND (finished IS NOT NULL AND started > now() - make_interval(secs => ?) "
				+ "OR finished IS NULL AND started > now() - interval '1 hour'))",
				Boolean.class, (double) every.toSeconds());
		if (!due || sql.update("INSERT INTO cl_statistics_run (run) VALUES (?) ON CONFLICT (run) DO UPDATE "
				+ "SET started = now(), finished = NULL WHERE cl_statistics_run.finished IS NULL "
				+ "AND cl_statistics_run.started < now() - interval '1 hour'", run) != 1) {
			return false;
		}
		int published = publisher.publish(period.start(), period.end()).size();
		sql.update("UPDATE cl_statistics_run SET finished = now() WHERE run = ?", run);
		log.info("Published the attendance statistics of {} to {}: {} reports", period.start(), period.end(), published);
		return false;
	}

	@Override
	public void close() throws InterruptedException {
		worker.close();
	}
}
