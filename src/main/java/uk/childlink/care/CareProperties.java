package uk.childlink.care;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the derived data (prefix {@code childlink.care}), listed with their environment variables in the
 * README's configuration table.
 *
 * @param flagWorker whether this server process brings the absence flags up to date. The flags owed are kept in the
 *     database whatever this says; with several processes on one database, at least one must work them
 * @param flagPoll how often the worker looks for flags owed besides the writes of its own process: those written by
 *     other processes, left by a crash, or waiting after a failure
 */
@Validated
@ConfigurationProperties("childlink.care")
public record CareProperties(
		@DefaultValue("true") boolean flagWorker,
		@NotNull @DefaultValue("5s") Duration flagPoll) {}
