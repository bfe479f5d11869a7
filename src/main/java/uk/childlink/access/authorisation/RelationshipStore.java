package uk.childlink.access.authorisation;

import java.sql.Date;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relationships in PostgreSQL ({@code db/childlink/V1__access_relationships.sql}): written in the transaction of
 * the records that make them, read by every server process, so a change holds everywhere as soon as it commits. Used
 * through the transaction the caller is in (a HAPI write), or on its own.
 */
final class RelationshipStore {

	private final JdbcTemplate sql;

	RelationshipStore(DataSource dataSource) {
		this.sql = new JdbcTemplate(dataSource);
	}

	/** Records the ties, each lasting until the later of its day and the one already recorded (null: no end). */
	void add(Collection<RelationshipRules.Tie> ties) {
		if (ties.isEmpty()) {
			return;
		}
		// one row per key in a statement (the driver may send the batch as one multi-row INSERT)
		Map<List<String>, RelationshipRules.Tie> latest = new LinkedHashMap<>();
		for (RelationshipRules.Tie tie : ties) {
			latest.merge(List.of(tie.child(), tie.organisation(), tie.rule()), tie, RelationshipStore::longer);
		}
		sql.batchUpdate("INSERT INTO cl_relationship (child_id, org_id, rule, valid_until) VALUES (?, ?, ?, ?) "
				+ "ON CONFLICT (child_id, org_id, rule) DO UPDATE SET valid_until = CASE "
				+ "WHEN cl_relationship.valid_until IS NULL OR excluded.valid_until IS NULL THEN NULL "
				+ "ELSE GREATEST(cl_relationship.valid_until, excluded.valid_until) END",
				latest.values().stream().map(RelationshipStore::row).toList());
	}

	private static RelationshipRules.Tie longer(RelationshipRules.Tie a, RelationshipRules.Tie b) {
		return a.validUntil() == null ? a : b.validUntil() == null ? b : a.validUntil().isAfter(b.validUntil()) ? a : b;
	}

	/** Replaces everything one rule says of one child with {@code ties} (all of that child, by that rule). */
	void replace(String child, String rule, Collection<RelationshipRules.Tie> ties) {
		sql.update("DELETE FROM cl_relationship WHERE child_id = ? AND rule = ?", child, rule);
		add(ties);
	}

	/**
	 * The first relationship (of {@code rules}, or any when null) that holds today between the child and the
	 * organisation.
	 */
	Optional<String> holds(String child, String organisation, Collection<String> rules) {
		List<String> found = sql.queryForList("SELECT rule FROM cl_relationship WHERE child_id = ? AND org_id = ? "
				+ "AND (valid_until IS NULL OR valid_until >= current_date)", String.class, child, organisation);
		return found.stream().filter(rule -> rules == null || rules.contains(rule)).findFirst();
	}

	/** Those of the children with whom the organisation has a relationship that holds today. */
	List<String> relatedAmong(String organisation, List<String> children) {
		return sql.queryForList("SELECT DISTINCT child_id FROM cl_relationship WHERE org_id = ? AND child_id = ANY (?) "
				+ "AND (valid_until IS NULL OR valid_until >= current_date)", String.class, organisation,
				children.toArray(String[]::new));
	}

	/** The children with whom the organisation has a relationship that holds today. */
	List<String> childrenOf(String organisation) {
		return sql.queryForList("SELECT DISTINCT child_id FROM cl_relationship WHERE org_id = ? "
				+ "AND (valid_until IS NULL OR valid_until >= current_date) ORDER BY child_id", String.class, organisation);
	}

	/** The organisations with a relationship that holds today with the child. */
	Set<String> organisationsOf(String child) {
		return new LinkedHashSet<>(sql.queryForList("SELECT DISTINCT org_id FROM cl_relationship WHERE child_id = ? "
				+ "AND (valid_until IS NULL OR valid_until >= current_date)", String.class, child));
	}

	/** The organisations the child's access grants name. */
	Set<String> grantedOrganisations(String child) {
		return new HashSet<>(sql.queryForList("SELECT org_id FROM cl_access_grant WHERE child_id = ?", String.class,
				child));
	}

	/** Records a grant; false when another transaction recorded it first (it then writes the grant's resource). */
	boolean addGrant(String child, String organisation, String basicId) {
		return sql.update("INSERT INTO cl_access_grant (child_id, org_id, basic_id) VALUES (?, ?, ?) "
				+ "ON CONFLICT DO NOTHING", child, organisation, basicId) == 1;
	}

	/** Forgets a grant, giving the id of its resource; empty when another process forgot it first. */
	Optional<String> removeGrant(String child, String organisation) {
		return sql.queryForList("DELETE FROM cl_access_grant WHERE child_id = ? AND org_id = ? RETURNING basic_id",
				String.class, child, organisation).stream().findFirst();
	}

	/** Forgets every grant of a child whose record is being deleted (in the deletion's transaction). */
	void forgetGrants(String child) {
		sql.update("DELETE FROM cl_access_grant WHERE child_id = ?", child);
	}

	/** Deletes the relationships that ended before today; returns the children they were with. */
	Set<String> endExpired() {
		return new LinkedHashSet<>(sql.queryForList("DELETE FROM cl_relationship WHERE valid_until < current_date "
				+ "RETURNING child_id", String.class));
	}

	/** Children whose grants and relationships disagree (a grant without a relationship, or the other way round). */
	Set<String> childrenOutOfStep(int limit) {
		return new LinkedHashSet<>(sql.queryForList("SELECT child_id FROM ("
				+ "SELECT g.child_id FROM cl_access_grant g WHERE NOT EXISTS (SELECT 1 FROM cl_relationship r "
				+ "WHERE r.child_id = g.child_id AND r.org_id = g.org_id AND (r.valid_until IS NULL OR r.valid_until >= current_date)) "
				+ "UNION SELECT r.child_id FROM cl_relationship r WHERE (r.valid_until IS NULL OR r.valid_until >= current_date) "
				+ "AND NOT EXISTS (SELECT 1 FROM cl_access_grant g WHERE g.child_id = r.child_id AND g.org_id = r.org_id)"
				+ ") out_of_step LIMIT ?", String.class, limit));
	}

	/** Whether the children a database held before relationships were stored still need theirs worked out. */
	boolean backfillPending() {
		return !sql.queryForList("SELECT 1 FROM cl_relationship_backfill", Integer.class).isEmpty();
	}

	void backfillDone() {
		sql.update("DELETE FROM cl_relationship_backfill");
	}

	/**
	 * Makes the transactions that change one child's relationships take turns (a PostgreSQL advisory lock held to
	 * the end of the transaction), so that working a child out again reads what the other committed. Children are
	 * taken in a fixed order, so two transactions cannot wait on each other.
	 */
	void lock(Collection<String> children) {
		children.stream().sorted().forEach(child ->
				sql.queryForList("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", Object.class, "cl_rel:" + child));
	}

	private static Object[] row(RelationshipRules.Tie tie) {
		return new Object[] {tie.child(), tie.organisation(), tie.rule(),
				tie.validUntil() == null ? null : Date.valueOf(tie.validUntil())};
	}
}
