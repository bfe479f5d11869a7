package uk.childlink.schools.attendance;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.platform.WriteRequests;
import uk.childlink.access.Caller;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.schools.imports.Entries;
import uk.childlink.platform.AdvisoryLocks;
import uk.childlink.schools.imports.ImportWorkers;

/**
 * Writes weeks of marks: each week is laid over the marks already stored for the same school, pupil and week, and
 * the week's Observation is written only when that changes it: an update of the id derived from school + pupil +
 * week ({@link #idOf}), of the stored version with {@code If-Match} when there is one, so a concurrent import of the
 * same week is retried rather than lost, and two can never create two records of one week. The batches of a write
 * run on the {@code writers} threads side by side. Weeks go in transactions of {@value #BATCH}; a transaction that fails for a reason other than a
 * concurrent change is retried week by week, so that one bad week is reported and the others still go in.
 */
public final class WeekStore implements WeekWriter {

	static final int BATCH = 250;
	private static final Logger log = LoggerFactory.getLogger(WeekStore.class);
	private static final int ATTEMPTS = 3;

	/** A week of marks to write, with the first input line that contributed to it (for error reports). */
	public record Pending(String key, LocalDate monday, String patientId, String schoolId, AttendanceWeek marks,
			long line, int rows) {}

	/** What happened to one batch of weeks. */
	public record Outcome(int created, int updated, int unchanged, List<Failure> failures) {}

	public record Failure(long line, int rows, String reason) {}

	/** The advisory-lock namespace of attendance weeks ("WEEK"). */
	private static final int LOCKS = 0x5745454b;

	private final IFhirResourceDao<Observation> observations;
	private final IFhirSystemDao<Bundle, Meta> system;
	private final AttendanceCodes codes;
	private final ImportWorkers writers;
	private final AdvisoryLocks locks;

	public WeekStore(IFhirResourceDao<Observation> observations, IFhirSystemDao<Bundle, Meta> system,
			AttendanceCodes codes, ImportWorkers writers, AdvisoryLocks locks) {
		this.writers = writers;
		this.locks = locks;
		this.observations = observations;
		this.system = system;
		this.codes = codes;
	}

	@Override
	public Outcome write(List<Pending> weeks, RequestDetails onBehalfOf) {
		int created = 0;
		int updated = 0;
		int unchanged = 0;
		List<Failure> failures = new ArrayList<>();
		List<Future<Outcome>> chunks = new ArrayList<>();
		for (int from = 0; from < weeks.size(); from += BATCH) {
			List<Pending> chunk = weeks.subList(from, Math.min(weeks.size(), from + BATCH));
			chunks.add(writers.submit(() -> writeChunk(chunk, onBehalfOf))); // different weeks: the chunks cannot collide
		}
		for (Future<Outcome> chunk : chunks) {
			Outcome outcome;
			try {
				outcome = chunk.get();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while writing weeks", e);
			} catch (ExecutionException e) {
				chunks.forEach(c -> c.cancel(true));
				throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
			}
			created += outcome.created();
			updated += outcome.updated();
			unchanged += outcome.unchanged();
			failures.addAll(outcome.failures());
		}
		return new Outcome(created, updated, unchanged, failures);
	}

	private Outcome writeChunk(List<Pending> chunk, RequestDetails onBehalfOf) {
		for (int attempt = 1; ; attempt++) {
			try {
				return writeTogether(chunk, onBehalfOf);
			} catch (ResourceVersionConflictException | PreconditionFailedException e) {
				if (attempt == ATTEMPTS) {
					return writeOneByOne(chunk, onBehalfOf);
				}
			} catch (RuntimeException e) { // refused by a rule, or a fault: find the weeks concerned
				return chunk.size() == 1 ? failed(chunk.get(0), e) : writeOneByOne(chunk, onBehalfOf);
			}
		}
	}

	private Outcome writeOneByOne(List<Pending> chunk, RequestDetails onBehalfOf) {
		int created = 0;
		int updated = 0;
		int unchanged = 0;
		List<Failure> failures = new ArrayList<>();
		for (Pending week : chunk) {
			Outcome one;
			try {
				one = writeTogether(List.of(week), onBehalfOf);
			} catch (RuntimeException e) {
				one = failed(week, e);
			}
			created += one.created();
			updated += one.updated();
			unchanged += one.unchanged();
			failures.addAll(one.failures());
		}
		return new Outcome(created, updated, unchanged, failures);
	}

	private static Outcome failed(Pending week, RuntimeException e) {
		String reason = e instanceof BaseServerResponseException && ((BaseServerResponseException) e).getStatusCode() < 500
				? e.getMessage() : "a server error (" + e.getClass().getSimpleName() + "); the server log has the details";
		if (!(e instanceof BaseServerResponseException) || ((BaseServerResponseException) e).getStatusCode() >= 500) {
			log.error("week of {} (line {}) not written", week.monday(), week.line(), e);
		}
		return new Outcome(0, 0, 0, List.of(new Failure(week.line(), week.rows(), "week of " + week.monday()
				+ " not written: " + reason)));
	}

	/** The entries that bring the stored weeks up to date, and what they do; weeks already as sent get none. */
	public record Planned(List<Bundle.BundleEntryComponent> entries, int created, int updated, int unchanged) {}

	/** Plans the writes of {@code weeks} against what is stored now. */
	public Planned plan(List<Pending> weeks, RequestDetails request) {
		Map<String, Observation> stored = stored(weeks, request);
		List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
		int created = 0;
		int updated = 0;
		int unchanged = 0;
		for (Pending week : weeks) {
			Observation before = stored.get(week.key());
			AttendanceWeek marks = before == null ? week.marks() : AttendanceWeek.of(before).overlaidWith(week.marks());
			Observation after = marks.toObservation(week.monday(), week.key(), week.patientId(), week.schoolId(), codes);
			if (before == null) {
				entries.add(put(after, idOf(week.key()), null));
				created++;
			} else if (Entries.sameContent(before, after)) {
				unchanged++;
			} else {
				entries.add(put(after, idOf(week.key()), before.getIdElement().getVersionIdPart()));
				updated++;
			}
		}
		return new Planned(entries, created, updated, unchanged);
	}

	/**
	 * Entries creating the weeks of a child the same transaction creates: nothing can be stored under their keys yet
	 * (the keys hold the new child's id), so there is nothing to read first.
	 */
	public List<Bundle.BundleEntryComponent> createsForNewChild(List<Pending> weeks) {
		List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
		for (Pending week : weeks) {
			entries.add(put(week.marks().toObservation(week.monday(), week.key(), week.patientId(), week.schoolId(),
					codes), idOf(week.key()), null));
		}
		return entries;
	}

	/**
	 * The id of a week's Observation, derived from its key (school + pupil + week): writing the week is an update of
	 * that id, which creates it the first time and can never make two. (A conditional update on the identifier would
	 * say the same, but HAPI checks each conditional URL of a transaction against every other entry, which made a
	 * transaction of 250 weeks spend a third of its time there; see docs/school-imports.md.)
	 */
	public static String idOf(String key) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return "week-" + HexFormat.of().formatHex(hash, 0, 16);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** An update of the Observation {@code id}: of the version read when there is one, else creating it. */
	private static Bundle.BundleEntryComponent put(Observation week, String id, String version) {
		week.setId("Observation/" + id);
		Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(week);
		entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation/" + id);
		if (version != null) {
			entry.getRequest().setIfMatch("W/\"" + version + "\"");
		}
		return entry;
	}

	/** One transaction for the chunk; throws when it fails (nothing of it is then written). */
	private Outcome writeTogether(List<Pending> chunk, RequestDetails onBehalfOf) {
		return exclusively(chunk, () -> {
			SystemRequestDetails request = Caller.carry(onBehalfOf, TrustedWrites.mark(new SystemRequestDetails()));
			Planned planned = plan(chunk, request);
			if (!planned.entries().isEmpty()) {
				Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
				planned.entries().forEach(transaction::addEntry);
				system.transaction(WriteRequests.mark(request), transaction);
			}
			return new Outcome(planned.created(), planned.updated(), planned.unchanged(), List.of());
		});
	}

	/**
	 * Runs {@code work} (reading the stored weeks, merging, writing) while no other writer, in any server process,
	 * works on any of these weeks: otherwise two imports that both found a week missing would both create it (the
	 * second failing), or both read one version (one retrying). All the weeks are locked at once, in order, so
	 * writers cannot deadlock.
	 */
	public <T> T exclusively(List<Pending> weeks, Supplier<T> work) {
		return locks.holding(LOCKS, weeks.stream().map(w -> idOf(w.key())).toList(), work);
	}

	private Map<String, Observation> stored(List<Pending> chunk, RequestDetails request) {
		if (chunk.isEmpty()) {
			return Map.of(); // (an empty OR list would not restrict the search at all)
		}
		TokenOrListParam ids = new TokenOrListParam();
		for (Pending week : chunk) {
			ids.add(new TokenParam(idOf(week.key())));
		}
		SearchParameterMap search = SearchParameterMap.newSynchronous().add("_id", ids);
		Map<String, Observation> byKey = new HashMap<>();
		for (var resource : observations.search(search, request).getAllResources()) {
			Observation obs = (Observation) resource;
			obs.getIdentifier().stream()
					.filter(i -> AttendanceWeek.IDENTIFIER_SYSTEM.equals(i.getSystem()))
					.forEach(i -> byKey.put(i.getValue(), obs));
		}
		return byKey;
	}
}
