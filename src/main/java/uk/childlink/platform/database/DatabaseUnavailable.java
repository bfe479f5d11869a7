package uk.childlink.platform.database;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.hibernate.TransactionException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.transaction.TransactionSystemException;

/**
 * When the database cannot do what a request needs now, but may soon: every connection of the pool is in use, the
 * database is away or restarting, or a statement ran past {@code childlink.server.statement-timeout}. The caller
 * hears 503 with {@code Retry-After} and what happened, never a 500. Recognised by exception type and SQLSTATE
 * (PostgreSQL appendix A), never by message text.
 */
public final class DatabaseUnavailable {

	/** Seconds a caller is asked to wait before trying again. */
	public static final int RETRY_AFTER_SECONDS = 10;

	public static final int STATUS = 503;

	private DatabaseUnavailable() {}

	/** The 503 to answer, when {@code thrown} (or one of its causes) says the database is unavailable. */
	public static Optional<BaseServerResponseException> answerFor(Throwable thrown) {
		for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof BaseServerResponseException answer && answer.getStatusCode() == STATUS) {
				return Optional.of(answer);
			}
			if (t instanceof TransactionSystemException system && system.getApplicationException() != null) {
				Optional<BaseServerResponseException> original = answerFor(system.getApplicationException());
				if (original.isPresent()) {
					return original;
				}
			}
			if (t instanceof TransactionException && t.getCause() instanceof SQLException) {
				// beginning, committing or rolling back failed in JDBC: the connection broke (when a statement fails
				// on a dead connection, the failed rollback's exception is what Spring reports)
				return Optional.of(unavailable(OperationOutcome.IssueType.TRANSIENT, "The connection to the database "
						+ "was lost. Try again shortly."));
			}
			if (t instanceof SQLTransientConnectionException) {
				return Optional.of(unavailable(OperationOutcome.IssueType.TRANSIENT, "The server is busy: every database "
						+ "connection stayed in use for as long as a request may wait for one. Try again shortly."));
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				if (state.equals("57014")) {
					return Optional.of(unavailable(OperationOutcome.IssueType.TIMEOUT, "The database stopped this "
							+ "request because one of its statements ran longer than the server allows "
							+ "(childlink.server.statement-timeout). Narrow a search (a subject, a code, a date range) "
							+ "or try again when the server is less busy."));
				}
				// 08: connection exception; 53: insufficient resources; 57P01-03: shut down, crashed, starting up
				if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
					return Optional.of(unavailable(OperationOutcome.IssueType.TRANSIENT, "The database is unavailable "
							+ "(SQLSTATE " + state + "). Try again shortly."));
				}
			}
		}
		return Optional.empty();
	}

	private static BaseServerResponseException unavailable(OperationOutcome.IssueType code, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(code).setDiagnostics(message);
		BaseServerResponseException answer = new UnclassifiedServerFailureException(STATUS, message, outcome);
		answer.addResponseHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
		return answer;
	}
}
