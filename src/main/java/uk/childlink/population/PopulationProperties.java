package uk.childlink.population;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the data on groups of children (prefix {@code childlink.population}), listed with their environment
 * variables in the README's configuration table.
 *
 * @param statisticsEvery how often the attendance statistics are published (stored as MeasureReports for every
 *     school and council, the school year to date); the Department for Education publishes its own fortnightly.
 *     {@code 0} turns the schedule off (on request, {@code $evaluate-measure}, still answers)
 * @param exportRetention how long a bulk export's files may be downloaded after they are written; then they are
 *     removed for good (expunged). A cancelled or failed export's files go at once
 */
@Validated
@ConfigurationProperties("childlink.population")
public record PopulationProperties(
		@NotNull @DefaultValue("14d") Duration statisticsEvery,
		@NotNull @DefaultValue("2h") Duration exportRetention) {}
