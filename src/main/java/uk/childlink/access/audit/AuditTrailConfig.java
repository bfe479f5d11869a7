package uk.childlink.access.audit;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.AuditTrailReaders;
import uk.childlink.platform.OwnResourceProvider;

/**
 * The audit trail's table and AuditEvent over REST, served from it in place of HAPI's storage (an
 * {@link OwnResourceProvider} bean, which the platform registers instead of HAPI's for its type). With access control
 * off there is no trail, and HAPI's storage serves AuditEvent like any type.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "childlink.access.mode", havingValue = "on", matchIfMissing = true)
class AuditTrailConfig {

	@Bean(destroyMethod = "close")
	AuditLog auditLog(DataSource dataSource) {
		return new AuditLog(dataSource);
	}

	@Bean
	OwnResourceProvider auditEventProvider(AuditLog auditLog, ObjectProvider<AuditTrailReaders> readers) {
		return new AuditEventProvider(auditLog, readers);
	}
}
