package uk.childlink.signals;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the signals (prefix {@code childlink.signals}), listed with their environment variables in the README's
 * configuration table.
 *
 * @param worker whether this server process sends the signals owed. They are kept in the database whatever this
 *     says; with several processes on one database, at least one must send them
 * @param poll how often the worker looks for signals owed besides those of its own process's writes
 */
@Validated
@ConfigurationProperties("childlink.signals")
public record SignalsProperties(
		@DefaultValue("true") boolean worker,
		@NotNull @DefaultValue("5s") Duration poll) {}
