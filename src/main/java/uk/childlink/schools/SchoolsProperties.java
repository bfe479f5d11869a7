package uk.childlink.schools;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the school-data importers (prefix {@code childlink.schools}), listed with their environment variables
 * in the README's configuration table.
 *
 * @param maxUploadSize the largest file {@code $import-ctf} and {@code $import-attendance} accept in one request; a
 *     larger one is refused with 413 (send the marks in parts: the command line does)
 * @param weeksInMemory how many pupil-weeks of marks an attendance import gathers before writing them; bounds its
 *     memory whatever the file's size or order
 * @param workers how many pupils of a CTF, or batches of weeks of marks, are written at the same time
 */
@Validated
@ConfigurationProperties("childlink.schools")
public record SchoolsProperties(
		@NotNull @DefaultValue("100MB") DataSize maxUploadSize,
		@Min(2) @DefaultValue("20000") int weeksInMemory,
		@Min(1) @DefaultValue("2") int workers) {}
