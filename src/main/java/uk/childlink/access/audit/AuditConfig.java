package uk.childlink.access.audit;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.persistence.EntityManagerFactory;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AccessProperties;
import uk.childlink.access.authorisation.Children;

/**
 * Registers the audit: reads and failures with the FHIR server, writes with the storage layer (so that writes made
 * on a caller's behalf are audited too). AuditEvents name children by a text token, not a maintained reference
 * ({@code fhir-profiles/access/SearchParameter-auditevent-child.json}): the trail outlives a deleted record and is
 * not rewritten by a merge.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

	AuditConfig(RestfulServer fhirServer, IInterceptorService storageInterceptors, DaoRegistry daos,
			AccessProperties access, Children children,
			EntityManagerFactory entityManagers) {
		if (access.mode() == AccessProperties.Mode.off) {
			return;
		}
		AuditTrail trail = new AuditTrail(daos.getResourceDao(AuditEvent.class));
		fhirServer.registerInterceptor(new AuditInterceptor(trail, children, daos));
		storageInterceptors.registerInterceptor(new AuditWrites(trail, children, entityManagers));
	}
}
