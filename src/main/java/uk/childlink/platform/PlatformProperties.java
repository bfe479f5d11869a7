package uk.childlink.platform;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the platform module (prefix {@code childlink.server}). Each one is listed, with its environment
 * variable, in the README's configuration table.
 *
 * @param dataDir where ChildLink keeps local state; the embedded PostgreSQL cluster lives in {@code dataDir/postgres}
 * @param embeddedDbPort port of the embedded PostgreSQL; 0 picks a free one at each start
 * @param defaultPageSize search results per page when the client gives no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param searchCacheReuse how long an identical search may be answered from stored results; zero means every
 *     search reads the current data (HAPI's default is one minute, which hides fresh writes from a repeated search)
 * @param publicBaseUrl the base URL clients see (for links in bundles) when behind a reverse proxy; empty means
 *     the URL of the incoming request
 * @param maxRequestSize the largest request body the FHIR endpoint reads into memory (a resource, a transaction, an
 *     operation's parameters; uncompressed); larger ones are refused with 413. The school imports have their own limit
 * @param statementTimeout how long one SQL statement may run before PostgreSQL cancels it (a search past it is
 *     answered 503 with what to do); zero means no limit. Schema migrations at start-up are not limited
 */
@Validated
@ConfigurationProperties("childlink.server")
public record PlatformProperties(
		@NotNull @DefaultValue("./data") Path dataDir,
		@Min(0) @Max(65535) @DefaultValue("0") int embeddedDbPort,
		@Min(1) @DefaultValue("20") int defaultPageSize,
		@Min(1) @DefaultValue("500") int maxPageSize,
		@NotNull @DefaultValue("0s") Duration searchCacheReuse,
		URI publicBaseUrl,
		@NotNull @DefaultValue("30s") Duration statementTimeout,
		@NotNull @DefaultValue("20MB") DataSize maxRequestSize) {

	public PlatformProperties {
		if (defaultPageSize > maxPageSize) {
			throw new IllegalArgumentException("childlink.server.default-page-size (" + defaultPageSize
					+ ") must not be larger than childlink.server.max-page-size (" + maxPageSize + ")");
		}
		if (searchCacheReuse != null && searchCacheReuse.isNegative()) {
			throw new IllegalArgumentException("childlink.server.search-cache-reuse must not be negative");
		}
		if (statementTimeout != null && statementTimeout.isNegative()) {
			throw new IllegalArgumentException("childlink.server.statement-timeout must not be negative");
		}
	}

	public Path embeddedDbDir() {
		return dataDir.resolve("postgres");
	}
}
