package uk.childlink.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/** The server's absence flags as a client sees them, and the attendance weeks that raise them. */
public final class AbsenceFlags {

	public static final String IDENTIFIER = "https://fhir.childlink.uk/Id/absence-flag";

	private AbsenceFlags() {}

	/** The child's absence flags (the server keeps at most one). */
	public static List<Flag> of(IGenericClient client, IIdType child) {
		return client.search().byUrl("Flag?identifier=" + IDENTIFIER + "|" + child.getIdPart())
				.returnBundle(Bundle.class).execute().getEntry().stream().map(e -> (Flag) e.getResource()).toList();
	}

	/** The flag is kept in step in the background: waits (up to {@code timeout}) for it to agree. */
	public static Flag await(IGenericClient client, IIdType child, Predicate<Flag> expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Flag> last = List.of();
		while (System.nanoTime() < deadline) {
			last = of(client, child);
			if (last.size() == 1 && expected.test(last.get(0))) {
				return last.get(0);
			}
			try {
				Thread.sleep(200);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
		}
		throw new AssertionError("the absence flag of " + child.getValue() + " did not reach the expected state; "
				+ "last seen: " + last.stream().map(f -> f.getStatus() + " " + f.getCode().getCodingFirstRep().getCode())
						.toList());
	}

	/** Waits for an active persistent-absence flag. */
	public static Flag awaitPersistent(IGenericClient client, IIdType child, Duration timeout) {
		return await(client, child, f -> f.getStatus() == Flag.FlagStatus.ACTIVE
				&& "persistent-absence".equals(f.getCode().getCodingFirstRep().getCode()), timeout);
	}

	/** A week (Monday to Friday) of {@code present} and {@code unauthorised} sessions at {@code school}. */
	public static Observation week(Reference child, Reference school, LocalDate monday, int present, int unauthorised) {
		return Records.attendanceWeek(child, school, monday.toString(), monday.plusDays(4).toString(), present, 0,
				unauthorised);
	}

	/**
	 * A new child with one week this school year at {@code school}, 2 of 10 sessions missed (20%: persistently
	 * absent), written through {@code client}.
	 */
	public static IIdType absentChild(IGenericClient client, Reference school, String family) {
		IIdType child = client.create().resource(Fixtures.child(Fixtures.nextNhsNumber(), family, "Nell", "2015-08-08"))
				.execute().getId().toUnqualifiedVersionless();
		client.create().resource(week(new Reference(child.getValue()), school, firstMondayOfThisSchoolYear(), 8, 2))
				.execute();
		return child;
	}

	/** The first Monday of the current school year (from 1 September, UK time). */
	public static LocalDate firstMondayOfThisSchoolYear() {
		LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
		int year = today.getMonth().compareTo(Month.SEPTEMBER) >= 0 ? today.getYear() : today.getYear() - 1;
		return LocalDate.of(year, 9, 1).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
	}
}
