package uk.childlink.schools.ctf;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.access.Caller;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.schools.imports.Directory;
import uk.childlink.schools.attendance.AttendanceWeek;
import uk.childlink.schools.imports.ImportWorkers;

/**
 * Imports a Common Transfer File, pupil by pupil: each pupil is checked (its codes, its attendance:
 * {@link PupilAttendance}), matched to the child's record ({@link PupilMatcher}), mapped and written in one
 * transaction with all its records ({@link PupilTransaction}), or rejected whole with the reasons; a pupil changed by
 * someone else meanwhile is tried again. Pupils are written by the shared import workers while the file is read on.
 * A second import of the same file finds every record as it is and writes nothing.
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

	private final IFhirResourceDao<Organization> organizations;
	private final Directory directory;
	private final CtfMapping mapping;
	private final PupilAttendance attendance;
	private final PupilTransaction transaction;
	private final Clock clock;
	private final ImportWorkers workers;

	CtfImport(IFhirResourceDao<Organization> organizations, Directory directory, CtfMapping mapping,
			PupilAttendance attendance, PupilTransaction transaction, Clock clock, ImportWorkers workers) {
		this.organizations = organizations;
		this.directory = directory;
		this.mapping = mapping;
		this.attendance = attendance;
		this.transaction = transaction;
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
		// pupils are written by the shared import workers while the file is read on; at most two per worker are held
		// at once, and their outcomes are delivered in file order
		Deque<Future<PupilOutcome>> inFlight = new ArrayDeque<>();
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
				inFlight.add(workers.submit(() -> pupil(pupil, begun, today)));
				drain(inFlight, workers.threads() * 2, deliver);
			}
		} finally {
			inFlight.forEach(pupil -> pupil.cancel(true)); // a request that failed leaves no work behind
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
		attendance.sort(p, start.header(), today, marked, totals, problems, notes);
		if (!problems.isEmpty()) {
			return new PupilOutcome(p.line(), p.upn(), Status.REJECTED, null, problems);
		}
		for (int attempt = 1; ; attempt++) {
			try {
				return transaction.write(p, start, marked, totals, notes);
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

	private static String reason(BaseServerResponseException e) {
		if (e.getOperationOutcome() instanceof OperationOutcome outcome && outcome.hasIssue()) {
			return String.join("; ", outcome.getIssue().stream().map(i -> i.getDiagnostics()
					+ (i.hasLocation() ? " (" + i.getLocation().get(0).getValue() + ")" : "")).toList());
		}
		return e.getMessage();
	}
}
