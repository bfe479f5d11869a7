package uk.childlink.access.authorisation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DeleteConflict;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import uk.childlink.conformance.TrustedWrites;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import uk.childlink.platform.BeforeCommit;
import uk.childlink.platform.Pipeline;

/**
 * Keeps the relationships in step with the records that make them, whoever writes them (a client, an import, the
 * server itself) and on whichever path (storage hooks): in the write's own transaction, just before it commits, so a
 * relationship never outlives or precedes its record.
 * <ul>
 * <li>A new record adds the relationships it makes (an upsert: a later date extends one);</li>
 * <li>a changed record that still makes what it made before (the same organisations, no earlier date) adds likewise;
 * otherwise, and when a record is deleted, what its rule says of the child is worked out again from all the child's
 * records of that kind;</li>
 * <li>then each child's access grants follow ({@link AccessGrants}).</li>
 * </ul>
 */
@Interceptor(order = Pipeline.Order.RELATIONSHIPS)
final class RelationshipMaintenance {

	private final RelationshipRules rules;
	private final RelationshipStore store;
	private final AccessGrants grants;
	private final Relationships relationships;
	private final DaoRegistry daos;
	private final EntityManagerFactory entityManagers;

	RelationshipMaintenance(RelationshipRules rules, RelationshipStore store, AccessGrants grants,
			Relationships relationships, DaoRegistry daos, EntityManagerFactory entityManagers) {
		this.rules = rules;
		this.store = store;
		this.grants = grants;
		this.relationships = relationships;
		this.daos = daos;
		this.entityManagers = entityManagers;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		changed(null, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		changed(previous, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource) {
		changed(resource, null);
	}

	/**
	 * A grant stays with its child: HAPI's {@code Patient/$merge} moves every reference to the merged-away child to the
	 * survivor, grants included, which would leave a grant on the survivor filed under the other child in
	 * {@code cl_access_grant}. The survivor gets its own grants from its own relationships.
	 */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void grantKeepsItsChild(IBaseResource previous, IBaseResource resource) {
		if (previous instanceof Basic was && resource instanceof Basic now && AccessGrants.isGrant(was)
				&& !was.getSubject().getReference().equals(now.getSubject().getReference())) {
			now.setSubject(was.getSubject().copy());
		}
	}

	/**
	 * A child's record deleted (by an admin) takes its access grants with it: they are the server's projection of the
	 * relationships, not records anyone wrote, and would otherwise hold the deletion up (HAPI refuses to delete what
	 * something still refers to). The grants go in the deletion's transaction, so a deletion refused for the child's
	 * real records (its Observations, Encounters...: 409 naming them) keeps them.
	 */
	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	public DeleteConflictOutcome grantsGoWithTheirChild(DeleteConflictList conflicts, TransactionDetails transaction) {
		IFhirResourceDao<Basic> basics = daos.getResourceDao(Basic.class);
		Set<String> deleted = new LinkedHashSet<>();
		List<DeleteConflict> found = new ArrayList<>();
		conflicts.forEach(found::add); // deleting a grant may add to the list (what refers to the grant)
		for (DeleteConflict conflict : found) {
			String source = conflict.getSourceId().toUnqualifiedVersionless().getValue();
			if (!"Patient".equals(conflict.getTargetId().getResourceType()) || !source.startsWith("Basic/access-")
					|| deleted.contains(source)) {
				continue;
			}
			Basic grant;
			try {
				grant = basics.read(conflict.getSourceId().toUnqualifiedVersionless(), new SystemRequestDetails());
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				continue;
			}
			if (AccessGrants.isGrant(grant)) {
				store.forgetGrants(grant.getSubject().getReferenceElement().getIdPart());
				basics.delete(grant.getIdElement().toUnqualifiedVersionless(), conflicts,
						TrustedWrites.mark(new SystemRequestDetails()), transaction);
				deleted.add(source);
			}
		}
		if (deleted.isEmpty()) {
			return null;
		}
		conflicts.removeIf(conflict -> deleted.contains(conflict.getSourceId().toUnqualifiedVersionless().getValue()));
		// HAPI looks for conflicts again (up to its limit of 10 times) while this hook finds grants among them
		return new DeleteConflictOutcome().setShouldRetryCount(10);
	}

	private void changed(IBaseResource before, IBaseResource after) {
		IBaseResource any = after != null ? after : before;
		if ("Organization".equals(any.fhirType())) {
			relationships.forgetOrganisations(); // who a caller's identifier names may have changed
			return;
		}
		List<RelationshipRules.Rule> ruled = rules.forType(any.fhirType());
		if (ruled.isEmpty()) {
			return;
		}
		Changes changes = BeforeCommit.of(this, Changes::new);
		for (RelationshipRules.Rule rule : ruled) {
			List<RelationshipRules.Tie> now = after == null ? List.of() : rules.ties(rule, after, changes::organisation);
			List<RelationshipRules.Tie> was = before == null ? List.of() : rules.ties(rule, before, changes::organisation);
			if (covers(now, was)) {
				changes.add.addAll(now);
				now.forEach(tie -> changes.children.add(tie.child()));
			} else {
				Set<String> children = new LinkedHashSet<>(rules.children(rule, before));
				if (after != null) {
					children.addAll(rules.children(rule, after));
				}
				children.forEach(child -> changes.workOut.add(new ChildRule(child, rule)));
				changes.children.addAll(children);
			}
		}
	}

	/** Works out every relationship of the child again from its records, and its grants (in a transaction). */
	void workOut(String child) {
		store.lock(List.of(child));
		Changes lookups = new Changes();
		for (RelationshipRules.Rule rule : rules.rules()) {
			workOut(child, rule, lookups::organisation);
		}
		grants.sync(child);
	}

	/** What one rule says of the child, worked out again from all the child's records of its kind. */
	private void workOut(String child, RelationshipRules.Rule rule,
			java.util.function.Function<Identifier, Optional<String>> organisation) {
		List<RelationshipRules.Tie> ties = new ArrayList<>();
		IFhirResourceDao<?> dao = daos.getResourceDao(rule.resourceType());
		for (IBaseResource record : dao.searchForResources(rules.everyRecordOf(rule, child), new SystemRequestDetails())) {
			ties.addAll(rules.ties(rule, record, organisation).stream().filter(tie -> tie.child().equals(child)).toList());
		}
		store.replace(child, rule.name(), ties);
	}

	/** Whether every tie of the old version holds in the new one too, at least as long. */
	private static boolean covers(List<RelationshipRules.Tie> now, List<RelationshipRules.Tie> was) {
		return was.stream().allMatch(old -> now.stream().anyMatch(tie -> tie.child().equals(old.child())
				&& tie.organisation().equals(old.organisation())
				&& (tie.validUntil() == null || old.validUntil() != null && !tie.validUntil().isBefore(old.validUntil()))));
	}

	private record ChildRule(String child, RelationshipRules.Rule rule) {}

	/** What one transaction changes, applied just before it commits. */
	private final class Changes implements BeforeCommit.Work {
		final List<RelationshipRules.Tie> add = new ArrayList<>();
		final Set<ChildRule> workOut = new LinkedHashSet<>();
		final Set<String> children = new LinkedHashSet<>();
		final Map<String, Optional<String>> organisations = new HashMap<>();

		@Override
		public void beforeCommit() {
			// the transaction's own writes first, so that working a child out again reads them
			EntityManager session = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagers);
			FlushModeType mode = null;
			if (session != null) {
				session.flush();
				// what follows reads through HAPI, which would flush the whole session before every query: a
				// transaction of a hundred records had each of them checked for changes again for each grant (a fifth
				// of an ingest's time). All of it is written now; the grants written below go at the commit.
				mode = session.getFlushMode();
				session.setFlushMode(FlushModeType.COMMIT);
			}
			try {
				store.lock(children);
				store.add(add);
				for (ChildRule childRule : workOut) {
					workOut(childRule.child(), childRule.rule(), this::organisation);
				}
				children.forEach(grants::sync);
			} finally {
				if (session != null) {
					session.setFlushMode(mode);
				}
			}
		}

		/** The registered Organization with this identifier (the only one), looked up once per transaction. */
		Optional<String> organisation(Identifier identifier) {
			return organisations.computeIfAbsent(identifier.getSystem() + "|" + identifier.getValue(), key -> {
				SearchParameterMap search = SearchParameterMap.newSynchronous()
						.add("identifier", new TokenParam(identifier.getSystem(), identifier.getValue()));
				IFhirResourceDao<?> dao = daos.getResourceDao("Organization");
				List<? extends IBaseResource> found = dao.searchForResources(search, new SystemRequestDetails());
				return found.size() == 1 ? Optional.of(found.get(0).getIdElement().getIdPart()) : Optional.empty();
			});
		}
	}
}
