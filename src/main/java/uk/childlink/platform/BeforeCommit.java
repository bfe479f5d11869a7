package uk.childlink.platform;

import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work gathered during one database transaction and done just before it commits, in it: so that what the server
 * derives from a write (its audit record, the relationships it makes) commits with the write or not at all. One piece
 * of work per key and transaction, however many writes add to it; a transaction suspended for another (REQUIRES_NEW)
 * keeps its own, and the other starts afresh.
 */
public final class BeforeCommit {

	private BeforeCommit() {}

	/** What is done before the transaction commits (and, if it does, just after). */
	public interface Work {
		void beforeCommit();

		/** Once the transaction has committed (a worker told of work the commit made visible, say). */
		default void afterCommit() {}
	}

	/**
	 * The current transaction's work under {@code key}, made by {@code create} on first use in the transaction.
	 *
	 * @throws IllegalStateException outside a transaction (HAPI always writes in one)
	 */
	@SuppressWarnings("unchecked")
	public static <W extends Work> W of(Object key, Supplier<W> create) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalStateException("work to do before a commit needs a database transaction");
		}
		Holder<W> holder = (Holder<W>) TransactionSynchronizationManager.getResource(key);
		if (holder == null) {
			holder = new Holder<>(key, create.get());
			TransactionSynchronizationManager.bindResource(key, holder);
			TransactionSynchronizationManager.registerSynchronization(holder);
		}
		return holder.work;
	}

	private static final class Holder<W extends Work> implements TransactionSynchronization {
		private final Object key;
		private final W work;
		private boolean suspended;

		Holder(Object key, W work) {
			this.key = key;
			this.work = work;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			TransactionSynchronizationManager.unbindResourceIfPossible(key);
			work.beforeCommit();
		}

		@Override
		public void afterCommit() {
			work.afterCommit();
		}

		@Override
		public void suspend() {
			suspended = TransactionSynchronizationManager.unbindResourceIfPossible(key) == this;
		}

		@Override
		public void resume() {
			if (suspended && !TransactionSynchronizationManager.hasResource(key)) {
				TransactionSynchronizationManager.bindResource(key, this);
			}
			suspended = false;
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(key);
		}
	}
}
