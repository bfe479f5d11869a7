package uk.childlink.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the storage tuning (prefix {@code childlink.storage}); see docs/performance.md for what each part of
 * the tuning does and what it was measured to gain.
 *
 * @param tuned true (the default) for ChildLink's measured storage tuning; false for HAPI FHIR's and PostgreSQL's
 *     defaults, which is what the benchmark's baseline runs (bench/run.sh) and otherwise only a way to rule the
 *     tuning out when looking for a fault
 */
@ConfigurationProperties("childlink.storage")
public record StorageProperties(@DefaultValue("true") boolean tuned) {}
