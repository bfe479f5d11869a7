package uk.childlink.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;

/**
 * When the database cannot serve a request now, the caller hears 503 with {@code Retry-After} and an OperationOutcome,
 * on the request's own thread (a read) and on a search's worker thread alike: every pooled connection held elsewhere,
 * and a statement held up past {@code childlink.server.statement-timeout} (10 s in the tests) until PostgreSQL cancels
 * it. (The database going away altogether is {@code EmbeddedDatabaseRestartIT}'s.)
 */
class DatabaseUnavailableIT extends IntegrationTest {

	@Autowired
	DataSource dataSource;

	@Test
	void anExhaustedConnectionPoolIsAnswered503WithRetryAfter() throws Exception {
		String child = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Busy", "Bea", "2018-02-02"))
				.execute().getId().toUnqualifiedVersionless().getValue();
		HikariDataSource pool = (HikariDataSource) dataSource;
		long wait = pool.getHikariConfigMXBean().getConnectionTimeout();
		List<Connection> held = new ArrayList<>();
		pool.getHikariConfigMXBean().setConnectionTimeout(1_000);
		try {
			while (true) {
				try {
					held.add(pool.getConnection());
				} catch (SQLTransientConnectionException exhausted) {
					break;
				}
			}
			assertThat(held).hasSizeGreaterThan(10);

			CompletableFuture<RawHttp.Response> read = CompletableFuture.supplyAsync(() -> http().get("/fhir/" + child));
			CompletableFuture<RawHttp.Response> search = CompletableFuture.supplyAsync(
					() -> http().get("/fhir/Observation?code=http://loinc.org|29463-7&_count=5"));
			unavailable(read.get(), OperationOutcome.IssueType.TRANSIENT);
			unavailable(search.get(), OperationOutcome.IssueType.TRANSIENT);
		} finally {
			for (Connection connection : held) {
				connection.close();
			}
			pool.getHikariConfigMXBean().setConnectionTimeout(wait);
		}
		assertThat(http().get("/fhir/" + child).status()).as("served again once connections are free").isEqualTo(200);
	}

	@Test
	void aStatementPastTheTimeoutIsCancelledInPostgresqlAndAnswered503() throws Exception {
		String child = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Slow", "Sid", "2018-03-03"))
				.execute().getId().toUnqualifiedVersionless().getValue();
		try (Connection locker = dataSource.getConnection(); Statement sql = locker.createStatement()) {
			try (ResultSet timeout = sql.executeQuery("SHOW statement_timeout")) {
				assertThat(timeout.next()).isTrue();
				assertThat(timeout.getString(1)).as("set on every pooled connection").isEqualTo("10s");
			}
			locker.setAutoCommit(false);
			// every statement that reads resources now waits for this lock, until PostgreSQL cancels it
			sql.execute("LOCK TABLE hfj_resource IN ACCESS EXCLUSIVE MODE");
			try {
				CompletableFuture<RawHttp.Response> read = CompletableFuture.supplyAsync(() -> http().get("/fhir/" + child));
				CompletableFuture<RawHttp.Response> search = CompletableFuture.supplyAsync(
						() -> http().get("/fhir/Patient?family=Slow&_count=5"));
				unavailable(read.get(), OperationOutcome.IssueType.TIMEOUT);
				unavailable(search.get(), OperationOutcome.IssueType.TIMEOUT);
			} finally {
				locker.rollback();
			}
		} catch (SQLException e) {
			throw new AssertionError(e);
		}
		assertThat(http().get("/fhir/" + child).status()).as("served again once the lock is gone").isEqualTo(200);
	}

	private static void unavailable(RawHttp.Response response, OperationOutcome.IssueType code) {
		assertThat(response.status()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().get("retry-after")).isEqualTo("10");
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
		if (code == OperationOutcome.IssueType.TIMEOUT) {
			assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("statement-timeout");
		}
	}
}
