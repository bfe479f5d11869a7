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
 * @param fastCheck first walk each written resource against a checker compiled from the profiles' snapshots, and ask
 *     HL7's validator only about what that checker cannot vouch for (same verdicts and messages, a fraction of the
 *     time: docs/performance.md). Off: every write is judged by HL7's validator alone.
 */
@ConfigurationProperties("childlink.conformance")
public record ConformanceProperties(@DefaultValue("true") boolean validateOnWrite, @DefaultValue("true") boolean fastCheck) {}
