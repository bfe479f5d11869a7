package uk.childlink.support;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What {@code plan_cache_mode} the transactions of some writes ran with: "Observation auto" for each resource created
 * while the probe listened, read inside the write's own transaction (platform/database/WritePlans).
 */
public final class PlanProbe {

	private PlanProbe() {}

	/** Runs {@code writes} with the probe listening; the type and plan mode of each resource they created. */
	public static List<String> during(IInterceptorService storage, DataSource dataSource, Runnable writes) {
		JdbcTemplate sql = new JdbcTemplate(dataSource);
		List<String> seen = new CopyOnWriteArrayList<>();
		Object probe = new Object() {
			@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
			public void created(IBaseResource resource) {
				seen.add(resource.fhirType() + " " + sql.queryForObject("SHOW plan_cache_mode", String.class));
			}
		};
		storage.registerInterceptor(probe);
		try {
			writes.run();
		} finally {
			storage.unregisterInterceptor(probe);
		}
		return seen;
	}
}
