package uk.childlink.schools.attendance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.childlink.schools.imports.Directory;

/**
 * The marks import's streaming without a database: with room for only a few pupil-weeks, every week still comes out
 * whole, a file in date order writes each week once, and memory stays within the room whatever the order.
 */
class MarksImportTest {

	static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);
	static final Clock CLOCK = Clock.fixed(MONDAY.plusWeeks(10).atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
	static final List<String> UPNS = List.of("G990200125001", "K990200125003", "Z990200125004");

	/** Knows one school and the three pupils. */
	static final class KnownPupils extends Directory {
		KnownPupils() {
			super(null, null, null);
		}

		@Override
		public String school(String urn) {
			return urn.equals("990201") ? "1" : null;
		}

		@Override
		public Pupil pupil(String upn) {
			return UPNS.contains(upn) ? new Pupil("p" + UPNS.indexOf(upn), null) : new Pupil(null, "unknown " + upn);
		}

		@Override
		public void rememberPupils(java.util.Collection<String> upns) {
			// knows its pupils already
		}
	}

	/** Stores weeks as the server does (laid over what is there) and remembers each write. */
	static final class Weeks implements WeekWriter {
		final Map<String, AttendanceWeek> stored = new HashMap<>();
		final List<Integer> writes = new ArrayList<>();
		int writtenWeeks;

		@Override
		public WeekStore.Outcome write(List<WeekStore.Pending> weeks, ca.uhn.fhir.rest.api.server.RequestDetails onBehalfOf) {
			writes.add(weeks.size());
			writtenWeeks += weeks.size();
			for (WeekStore.Pending week : weeks) {
				stored.merge(week.key(), week.marks(), AttendanceWeek::overlaidWith);
			}
			return new WeekStore.Outcome(weeks.size(), 0, 0, List.of());
		}
	}

	/** Two weeks of marks of three pupils, in date order or pupil by pupil; pupil i is absent (N) on day i. */
	static String csv(boolean dateOrder) {
		StringBuilder csv = new StringBuilder("urn,upn,date,session,code\n");
		List<String[]> rows = new ArrayList<>();
		for (int day = 0; day < 14; day++) {
			LocalDate date = MONDAY.plusDays(day);
			if (!AttendanceWeek.isWeekday(date)) {
				continue;
			}
			for (int pupil = 0; pupil < 3; pupil++) {
				for (String session : new String[] {"AM", "PM"}) {
					String code = day % 7 == pupil ? "N" : session.equals("AM") ? "/" : "\\";
					rows.add(new String[] {"990201", UPNS.get(pupil), date.toString(), session, code});
				}
			}
		}
		if (!dateOrder) {
			rows.sort((a, b) -> a[1].compareTo(b[1]));
		}
		rows.forEach(r -> csv.append(String.join(",", r)).append('\n'));
		return csv.toString();
	}

	MarksImport.Result run(String csv, Weeks weeks, int room) throws IOException {
		return new MarksImport(new KnownPupils(), weeks, AttendanceWeekTest.CODES, CLOCK, room)
				.run(new StringReader(csv), rows -> { });
	}

	@Test
	void aFileInDateOrderWritesEachWeekOnceAndWhole() throws IOException {
		Weeks weeks = new Weeks();
		MarksImport.Result result = run(csv(true), weeks, 4);

		assertThat(result.rows()).isEqualTo(60);
		assertThat(result.imported()).isEqualTo(60);
		assertThat(weeks.stored).hasSize(6);
		assertThat(weeks.writtenWeeks).isEqualTo(6); // 3 pupils x 2 weeks, each written once
		assertThat(weeks.writes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4));
		assertThat(weeks.stored.get(AttendanceWeek.key("990201", "p1", MONDAY)).text())
				.isEqualTo("/ \\ N N / \\ / \\ / \\");
	}

	@Test
	void aFileInPupilOrderComesOutTheSameWithinTheSameRoom() throws IOException {
		Weeks byDate = new Weeks();
		run(csv(true), byDate, 4);
		Weeks byPupil = new Weeks();
		MarksImport.Result result = run(csv(false), byPupil, 2);

		assertThat(result.imported()).isEqualTo(60);
		assertThat(byPupil.writes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
		assertThat(byPupil.stored.keySet()).isEqualTo(byDate.stored.keySet());
		byDate.stored.forEach((key, week) -> assertThat(byPupil.stored.get(key).text()).as(key).isEqualTo(week.text()));
	}
}
