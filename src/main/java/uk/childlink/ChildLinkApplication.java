package uk.childlink;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import uk.childlink.platform.CommandLine;

/**
 * ChildLink: a FHIR R4 server for England's children's services.
 *
 * <p>HAPI FHIR brings its own JPA, Hibernate and scheduler configuration, so Boot's auto-configuration for
 * those is switched off; the DataSource stays Boot's (see {@code platform.database}).
 */
@SpringBootApplication(
		exclude = {
			HibernateJpaAutoConfiguration.class,
			JpaRepositoriesAutoConfiguration.class,
			ElasticsearchRestClientAutoConfiguration.class,
			QuartzAutoConfiguration.class
		})
@ConfigurationPropertiesScan
public class ChildLinkApplication {

	public static void main(String[] args) {
		// another command (token, import): no server is started
		CommandLine.of(args).ifPresent(command -> System.exit(command.run(args, System.out, System.err)));
		SpringApplication.run(ChildLinkApplication.class, args);
		warnIfStackTracesMayBeOmitted();
	}

	/**
	 * The JVM drops the stack trace of an exception it has thrown often (a NullPointerException, say), which leaves
	 * the log saying nothing of where a fault is. Every documented way of starting the server turns that off.
	 */
	private static void warnIfStackTracesMayBeOmitted() {
		HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		if (hotspot != null && "true".equals(hotspot.getVMOption("OmitStackTraceInFastThrow").getValue())) {
			LoggerFactory.getLogger(ChildLinkApplication.class).warn("Started without -XX:-OmitStackTraceInFastThrow: "
					+ "exceptions thrown often may reach the log without their stack trace. Add it to the java command.");
		}
	}
}
