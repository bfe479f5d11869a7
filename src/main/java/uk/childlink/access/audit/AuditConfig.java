package uk.childlink.access.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.List;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AccessProperties;
import uk.childlink.access.authorisation.Children;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;

/**
 * Puts the audit in the request pipeline: reads and failures at the end of the request, writes in the storage layer (so that writes made
 * on a caller's behalf are audited too); and removes, once a day, what is older than
 * {@code childlink.access.audit-retention}.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfig implements DisposableBean, Pipeline.Contributor {

	private static final Logger log = LoggerFactory.getLogger(AuditConfig.class);

	private final ScheduledExecutorService purge;
	private final List<Pipeline.Step> steps;

	AuditConfig(DaoRegistry daos,
			AccessProperties access, Children children, ObjectProvider<AuditLog> trails) {
		AuditLog trail = trails.getIfAvailable();
		if (access.mode() == AccessProperties.Mode.off || trail == null) {
			purge = null;
			steps = List.of();
			return;
		}
		steps = List.of(new Pipeline.Step(Place.AUDIT, new AuditInterceptor(trail, children, daos)),
				new Pipeline.Step(Place.WRITE_AUDIT, new AuditWrites(trail, children)));
		purge = Executors.newSingleThreadScheduledExecutor(task -> {
			Thread thread = new Thread(task, "childlink-audit-retention");
			thread.setDaemon(true);
			return thread;
		});
		purge.scheduleWithFixedDelay(() -> {
			try {
				Instant before = Instant.now().atOffset(ZoneOffset.UTC).minus(access.auditRetention()).toInstant();
				int removed = trail.purge(before);
				if (removed > 0) {
					log.info("Removed {} audit records older than {} (childlink.access.audit-retention)", removed, before);
				}
			} catch (RuntimeException e) {
				log.warn("Could not remove old audit records; tried again in a day", e);
			}
		}, 1, 24 * 60, TimeUnit.MINUTES);
	}

	@Override
	public List<Pipeline.Step> steps() {
		return steps;
	}

	@Override
	public void destroy() {
		if (purge != null) {
			purge.shutdownNow();
		}
	}
}
