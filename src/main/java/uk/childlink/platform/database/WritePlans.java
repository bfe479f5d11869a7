package uk.childlink.platform.database;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionStatus;
import uk.childlink.platform.WriteRequests;

/**
 * Writes plan their statements as PostgreSQL does by default: {@link CustomPlans} has every pooled connection plan each
 * statement for its values, which the narrowed searches need, and which a write pays for nothing. A transaction of a
 * Synthea-style record runs some 20,000 statements of the same few shapes (index rows, resource versions, lookups by
 * id), and planning each of them anew doubled PostgreSQL's CPU for the same load (2026-12-04: 630-910 against 300-400
 * ticks a round of 25 children; docs/performance.md). So a transaction that a write request (or a request marked by
 * {@link WriteRequests}) opens sets {@code plan_cache_mode} back to {@code auto} for itself ({@code SET LOCAL}); the
 * searches a write makes run in its transaction and plan generically too (HAPI's own lookups by id and identifier,
 * not the narrowed searches of a caller). Everything else, searches included, keeps the pool's setting. Only where
 * the server set that setting: an operator's own {@code plan_cache_mode} stands for writes too.
 */
public final class WritePlans {

	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE,
			RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);

	private final JdbcTemplate sql;
	private final boolean on;

	/** {@code on}: the server set the pool's connections to plan every statement for its values ({@link CustomPlans}). */
	WritePlans(DataSource dataSource, boolean on) {
		this.sql = new JdbcTemplate(dataSource);
		this.on = on;
	}

	boolean on() {
		return on;
	}

	/** At the start of a transaction: a new one opened by a write plans generically. */
	void begin(TransactionStatus status, RequestDetails request) {
		if (on && status.isNewTransaction() && request != null
				&& (WRITES.contains(request.getRestOperationType()) || WriteRequests.isMarked(request))) {
			sql.execute("SET LOCAL " + CustomPlans.SETTING + " = auto");
		}
	}
}
