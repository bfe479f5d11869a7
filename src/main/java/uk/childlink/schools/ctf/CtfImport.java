package uk.childlink.schools.ctf;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.access.Caller;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.identity.ChildMatching;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.schools.Directory;
import uk.childlink.schools.Entries;
import uk.childlink.schools.attendance.AttendanceWeek;
import uk.childlink.schools.attendance.WeekStore;

/**
 * Imports a Common Transfer File, pupil by pupil: each pupil is checked, matched to the child's record (by UPN, then
 * former UPN, then name, birth date and postcode), mapped, and written in one transaction with all its records, or
 * rejected whole with the reasons. A second import of the same file finds every record as it is and writes nothing.
 */
final class CtfImport {

	enum Status {
		CREATED("created"), UPDATED("updated"), UNCHANGED("unchanged"), REJECTED("rejected");

		final String code;

		Status(String code) {
			this.code = code;
		}
	}

	/** What happened to one pupil. */
	record PupilOutcome(int line, String upn, Status status, String patientId, List<String> messages) {}

	/** The file could not be read to its end: {@code done} are the pupils dealt with before. */
	static final class Stopped extends Exception {
		final CtfReader.BadFile cause;
		final List<PupilOutcome> done;

		Stopped(CtfReader.BadFile cause, List<PupilOutcome> done) {
			super(cause.getMessage());
			this.cause = cause;
			this.done = done;
		}
	}

	private static final int ATTEMPTS = 3;
	private static final Logger log = LoggerFactory.getLogger(CtfImport.class);

	private final IFhirResourceDao<Observation> observations;
	private final IFhirResourceDao<Organization> organizations;
	private final IFhirSystemDao<Bundle, Meta> system;
	private final Directory directory;
	private final ChildMatching matching;
	private final CtfMapping mapping;
	private final WeekStore weeks;
	private final Clock clock;
	private final int workers;

	CtfImport(IFhirResourceDao<Observation> observations, IFhirResourceDao<Organization> organizations,
			IFhirSystemDao<Bundle, Meta> system, Directory directory, ChildMatching matching, CtfMapping mapping,
			WeekStore weeks, Clock clock, int workers) {
		this.observations = observations;
		this.organizations = organizations;
		this.system = system;
		this.directory = directory;
		this.matching = matching;
		this.mapping = mapping;
		this.weeks = weeks;
		this.clock = clock;
		this.workers = workers;
	}

	/** The header and the school it names (registered now if it was not). */
	record Start(CtfHeader header, String schoolId, RequestDetails onBehalfOf) {}

	/**
	 * Reads the header (a file that is not a CTF 24, or is hostile, fails here with {@link CtfReader.BadFile} before
	 * anything is written), then each pupil, telling {@code each} what became of it.
	 */
	Start run(InputStream in, RequestDetails onBehalfOf, Consumer<Start> started, Consumer<PupilOutcome> each)
			throws CtfReader.BadFile, Stopped {
		Caller caller = Caller.of(onBehalfOf).filter(c -> !c.isAdmin()).orElse(null);
		LocalDate today = LocalDate.now(clock);
		List<PupilOutcome> done = new ArrayList<>();
		Consumer<PupilOutcome> deliver = outcome -> {
			done.add(new PupilOutcome(outcome.line(), outcome.upn(), outcome.status(), outcome.patientId(), List.of()));
			each.accept(outcome);
		};
		// pupils are written by a few workers while the file is read on; at most two per worker are held at once,
		// and their outcomes are delivered in file order
		Deque<Future<PupilOutcome>> inFlight = new ArrayDeque<>();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
			Thread thread = new Thread(task, "ctf-import-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try (CtfReader reader = new CtfReader(in)) {
			CtfHeader header = CtfHeader.of(reader.header(), today);
			if (caller != null && !caller.actsFor(Directory.URN_SYSTEM, header.sourceUrn())) {
				throw new ForbiddenOperationException("$import-ctf: this CTF comes from school URN " + header.sourceUrn()
						+ " and you act for " + caller.organisationText() + ": a school imports its own files only; "
						+ "nothing was imported");
			}
			Start start = null; // the school is registered when the first pupil has been read whole
			while (true) {
				Node pupil;
				try {
					pupil = reader.nextPupil();
				} catch (CtfReader.BadFile e) {
					if (start == null) {
						throw e; // nothing written yet: the file is refused whole
					}
					drain(inFlight, 0, deliver);
					throw new Stopped(e, done);
				} catch (PayloadTooLargeException e) {
					if (start == null) {
						throw e;
					}
					drain(inFlight, 0, deliver);
					throw new Stopped(new CtfReader.BadFile(e.getMessage(), -1), done);
				}
				if (start == null) {
					start = new Start(header, school(header, onBehalfOf), onBehalfOf);
					started.accept(start);
				}
				if (pupil == null) {
					drain(inFlight, 0, deliver);
					return start;
				}
				Start begun = start;
				inFlight.add(pool.submit(() -> pupil(pupil, begun, today)));
				drain(inFlight, workers * 2, deliver);
			}
		} finally {
			pool.shutdownNow();
		}
	}

	private static void drain(Deque<Future<PupilOutcome>> inFlight, int keep, Consumer<PupilOutcome> deliver) {
		while (inFlight.size() > keep) {
			try {
				deliver.accept(inFlight.poll().get());
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while importing", e);
			} catch (ExecutionException e) {
				throw new IllegalStateException("a pupil's import failed", e.getCause());
			}
		}
	}

	private String school(CtfHeader header, RequestDetails onBehalfOf) {
		String id = directory.school(header.sourceUrn());
		if (id == null) {
			SystemRequestDetails request = Caller.carry(onBehalfOf, TrustedWrites.mark(new SystemRequestDetails()));
			id = organizations.create(CtfMapping.school(header),
					"Organization?identifier=" + Directory.URN_SYSTEM + "|" + header.sourceUrn(), request)
					.getId().getIdPart();
			directory.rememberSchool(header.sourceUrn(), id);
		}
		return id;
	}

	PupilOutcome pupil(Node node, Start start, LocalDate today) {
		CtfPupil p = CtfPupil.of(node, today);
		List<String> problems = new ArrayList<>(p.problems());
		problems.addAll(mapping.codeProblems(p));
		List<String> notes = new ArrayList<>();
		Map<LocalDate, AttendanceWeek> marked = new TreeMap<>();
		List<CtfPupil.YearData> totals = new ArrayList<>();
		attendance(p, start.header(), today, marked, totals, problems, notes);
		if (!problems.isEmpty()) {
			return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, problems);
		}
		for (int attempt = 1; ; attempt++) {
			try {
				return write(p, start, marked, totals, notes);
			} catch (ResourceVersionConflictException | PreconditionFailedException e) {
				if (attempt == ATTEMPTS) {
					return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null,
							List.of("changed by someone else while importing, " + ATTEMPTS + " times: import it again"));
				}
			} catch (BaseServerResponseException e) {
				if (e.getStatusCode() >= 500) {
					return serverFault(p, e);
				}
				return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, List.of(reason(e)));
			} catch (RuntimeException e) {
				return serverFault(p, e);
			}
		}
	}

	/** A fault of the server's own: this pupil is not written (its transaction rolled back), the others go on. */
	private static PupilOutcome serverFault(CtfPupil p, RuntimeException e) {
		log.error("$import-ctf: pupil at line {} failed", p.line(), e);
		return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, List.of("not imported because of a server "
				+ "error (" + e.getClass().getSimpleName() + "); the server log has the details"));
	}

	private PupilOutcome write(CtfPupil p, Start start, Map<LocalDate, AttendanceWeek> marked,
			List<CtfPupil.YearData> totals, List<String> notes) {
		SystemRequestDetails request = Caller.carry(start.onBehalfOf(), TrustedWrites.mark(new SystemRequestDetails()));
		List<String> messages = new ArrayList<>(notes);
		Match match = match(p, request, messages);
		if (match.rejection() != null) {
			messages.add(0, match.rejection());
			return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, messages);
		}
		Patient stored = match.child();
		LocalDate later = stored == null ? null : CtfMapping.ctfDate(stored);
		if (later != null && later.isAfter(start.header().asOf())) {
			messages.add(0, "Patient/" + stored.getIdElement().getIdPart() + " holds the details of a later CTF (dated "
					+ later + "); this file, dated " + start.header().asOf() + ", would put older ones back");
			return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, messages);
		}
		String patientId = stored != null ? stored.getIdElement().getIdPart() : "ctf-" + UUID.randomUUID();
		Patient child = mapping.patient(stored, p, start.header());

		Map<String, Observation> storedRecords = stored == null ? Map.of() : storedRecords(patientId, request);
		Map<String, Observation> records = mapping.records(p, start.header(), patientId, start.schoolId(), storedRecords);
		for (CtfPupil.YearData year : totals) {
			int startYear = Integer.parseInt(year.year().substring(0, 4));
			LocalDate first = year.start() != null ? year.start() : LocalDate.of(startYear, 9, 1);
			LocalDate last = LocalDate.of(startYear + 1, 8, 31);
			last = last.isAfter(start.header().asOf()) ? start.header().asOf() : last;
			String key = start.header().sourceUrn() + "-" + patientId + "-year-" + startYear;
			records.put(key, mapping.yearTotals(year, startYear, first, last, key, patientId, start.schoolId()));
		}

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		if (stored == null) {
			child.setId("Patient/" + patientId);
			transaction.addEntry().setResource(child).getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl("Patient/" + patientId);
		} else if (!Entries.sameContent(stored, child)) {
			transaction.addEntry(Entries.upsert(child, stored));
		}
		for (Map.Entry<String, Observation> record : records.entrySet()) {
			Observation before = storedRecords.get(record.getKey());
			if (stored == null) {
				transaction.addEntry(Entries.create(record.getValue())); // a new child has no records yet
			} else if (before == null || !Entries.sameContent(before, record.getValue())) {
				transaction.addEntry(Entries.upsert(record.getValue(), before));
			}
		}
		List<WeekStore.Pending> pending = new ArrayList<>();
		marked.forEach((monday, week) -> pending.add(new WeekStore.Pending(
				AttendanceWeek.key(start.header().sourceUrn(), patientId, monday), monday, patientId, start.schoolId(),
				week, p.line(), 0)));
		// the weeks are read, merged and written while no other import of this server writes them
		return WeekStore.exclusively(pending, () -> {
			(stored == null ? weeks.createsForNewChild(pending) : weeks.plan(pending, request).entries())
					.forEach(transaction::addEntry);
			if (!transaction.hasEntry()) {
				return new PupilOutcome(p.line(), p.upn(), Status.UNCHANGED, patientId, messages);
			}
			system.transaction(request, transaction);
			return new PupilOutcome(p.line(), p.upn(), stored == null ? Status.CREATED : Status.UPDATED, patientId,
					messages);
		});
	}

	/** Sorts the pupil's attendance into marks (as weeks) and totals; other schools' years are noted, not imported. */
	private void attendance(CtfPupil p, CtfHeader header, LocalDate today, Map<LocalDate, AttendanceWeek> marked,
			List<CtfPupil.YearData> totals, List<String> problems, List<String> notes) {
		for (CtfPupil.YearData year : p.attendance()) {
			String what = "Attendance YearData (line " + year.line() + ")";
			if (year.lea() != null && year.estab() != null && header.sourceLea() != null && header.sourceEstab() != null
					&& !(year.lea() + year.estab()).equals(header.sourceLea() + header.sourceEstab())) {
				notes.add(what + " at school " + year.lea() + "/" + year.estab() + " not imported: only the sending "
						+ "school's attendance is (the CTF gives no URN for the others)");
				continue;
			}
			if (year.marks() != null) {
				if (year.start() == null) {
					problems.add(what + ": AttendanceMarks without an AttendanceStartDate");
					continue;
				}
				mapping.weeks(year.marks(), year.start(), today, what, problems)
						.forEach((monday, week) -> marked.merge(monday, week, AttendanceWeek::overlaidWith));
			} else if (year.possible() != null) {
				if (year.year() == null || !year.year().matches("\\d{4}.*")) {
					problems.add(what + ": Year '" + year.year() + "' does not start with the school year's first year");
				} else if (year.attended() == null || year.authorised() == null || year.unauthorised() == null) {
					problems.add(what + ": SessionsAttended, SessionsAuthorised and SessionsUnauthorised are needed "
							+ "with SessionsPossible");
				} else if ((year.start() != null ? year.start() : LocalDate.of(Integer.parseInt(year.year().substring(0, 4)),
						9, 1)).isAfter(header.asOf())) {
					problems.add(what + ": the year starts after the file's date (" + header.asOf() + ")");
				} else if (year.attended() + year.authorised() + year.unauthorised() != year.possible()) {
					problems.add(what + ": sessions attended (" + year.attended() + "), authorised (" + year.authorised()
							+ ") and unauthorised (" + year.unauthorised() + ") do not add up to the sessions possible ("
							+ year.possible() + ")");
				} else {
					totals.add(year);
				}
			}
		}
	}

	/** The stored child, null for a new one, or why the pupil cannot be matched safely. */
	private record Match(Patient child, String rejection) {}

	private Match match(CtfPupil p, RequestDetails request, List<String> messages) {
		List<Patient> byUpn = directory.byUpn(p.upn());
		if (byUpn.size() == 1) {
			String id = byUpn.get(0).getIdElement().getIdPart();
			for (String former : p.formerUpns()) {
				List<Patient> others = directory.byUpn(former).stream()
						.filter(c -> !c.getIdElement().getIdPart().equals(id)).toList();
				if (!others.isEmpty()) {
					return new Match(null, "UPN " + p.upn() + " is Patient/" + id + "'s but the former UPN " + former
							+ " is held by " + ids(others) + ": the same child twice? Merge them first");
				}
			}
			return new Match(byUpn.get(0), null);
		}
		if (byUpn.size() > 1) {
			return new Match(null, "UPN " + p.upn() + " is held by " + ids(byUpn) + ": merge them first");
		}
		Set<String> seen = new LinkedHashSet<>();
		List<Patient> byFormer = new ArrayList<>();
		for (String former : p.formerUpns()) {
			for (Patient child : directory.byUpn(former)) {
				if (seen.add(child.getIdElement().getIdPart())) {
					byFormer.add(child);
				}
			}
		}
		if (byFormer.size() == 1) {
			messages.add("matched by former UPN");
			return new Match(byFormer.get(0), null);
		}
		if (byFormer.size() > 1) {
			return new Match(null, "the former UPNs are held by " + ids(byFormer) + ": merge them first");
		}
		Patient input = new Patient();
		input.addName().setFamily(p.surname()).addGiven(p.forename());
		input.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(p.birthDate().toString()));
		if (p.address() != null && p.address().postcode() != null) {
			input.addAddress().setPostalCode(p.address().postcode());
		}
		List<ChildMatching.Match> candidates = matching.candidates(input, 10, request);
		List<Patient> probable = candidates.stream().filter(c -> c.grade() == ChildMatching.Grade.PROBABLE)
				.map(ChildMatching.Match::child).toList();
		if (probable.size() > 1) {
			return new Match(null, "name and birth date match " + ids(probable) + ": add the UPN to the right record "
					+ "(or merge them), then import again");
		}
		if (probable.size() == 1) {
			Patient child = probable.get(0);
			String otherUpn = child.getIdentifier().stream()
					.filter(i -> IdentifierSystems.UPN.equals(i.getSystem()) && i.getUse() != Identifier.IdentifierUse.OLD)
					.map(Identifier::getValue)
					.filter(v -> v != null && Character.isDigit(v.charAt(12)))
					.findFirst().orElse(null);
			if (otherUpn != null) {
				return new Match(null, "Patient/" + child.getIdElement().getIdPart() + " has the same name and birth "
						+ "date but the permanent UPN " + otherUpn + ": if it is this child, the CTF should give that "
						+ "UPN as a former UPN");
			}
			messages.add("matched by name and birth date" + (p.address() != null ? " (and postcode)" : ""));
			return new Match(child, null);
		}
		candidates.stream().filter(c -> c.grade() == ChildMatching.Grade.POSSIBLE).forEach(c -> messages.add(
				"possibly the same child as Patient/" + c.child().getIdElement().getIdPart()
						+ " (some demographics agree): check, and merge if so"));
		return new Match(null, null);
	}

	private Map<String, Observation> storedRecords(String patientId, RequestDetails request) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Observation.SP_SUBJECT, new ReferenceParam("Patient/" + patientId))
				.add(Observation.SP_IDENTIFIER, new TokenParam(CtfMapping.RECORD, null));
		Map<String, Observation> byKey = new HashMap<>();
		for (var resource : observations.search(search, request).getAllResources()) {
			Observation obs = (Observation) resource;
			obs.getIdentifier().stream().filter(i -> CtfMapping.RECORD.equals(i.getSystem()))
					.forEach(i -> byKey.put(i.getValue(), obs));
		}
		return byKey;
	}

	private static String ids(List<Patient> children) {
		return String.join(", ", children.stream().map(c -> "Patient/" + c.getIdElement().getIdPart()).toList());
	}

	private static String reason(BaseServerResponseException e) {
		if (e.getOperationOutcome() instanceof OperationOutcome outcome && outcome.hasIssue()) {
			return String.join("; ", outcome.getIssue().stream().map(i -> i.getDiagnostics()
					+ (i.hasLocation() ? " (" + i.getLocation().get(0).getValue() + ")" : "")).toList());
		}
		return e.getMessage();
	}
}
