package uk.childlink.conformance;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the conformance module (prefix {@code childlink.conformance}), listed with their environment variables
 * in the README's configuration table.
 *
 * @param validateOnWrite validate each written resource against the ChildLink profiles that apply to it, and refuse
 *     it with 422 when it fails. Turning it off is for measuring its cost or a supervised bulk load of data already
 *     known to be valid; the server warns at start when it is off.
 */
@ConfigurationProperties("childlink.conformance")
public record ConformanceProperties(@DefaultValue("true") boolean validateOnWrite) {}
