package uk.childlink.signals;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the signals (prefix {@code childlink.signals}), listed with their environment variables in the README's
 * configuration table.
 *
 * @param worker whether this server process sends the signals owed and delivers their notifications. They are kept
 *     in the database whatever this says; with several processes on one database, at least one must send them
 * @param poll how often the worker looks for work besides that of its own process's writes
 * @param allowHttp whether a subscription's endpoint may be {@code http} rather than {@code https}: for local
 *     development only
 * @param allowedNetworks address ranges (CIDR, such as {@code 10.20.0.0/16}) of the loopback, private, link-local
 *     and other internal ranges that endpoints may be in; none by default, so the server cannot be used to reach its
 *     own network
 * @param deliveryTimeout how long one delivery may take, connecting and answering, before it counts as failed
 * @param retry the wait after a failed delivery; it doubles with each failure in a row, up to an hour
 * @param failuresBeforeError failed deliveries in a row after which a subscription's status is set to {@code error}
 *     (its owner sets it back to {@code requested} to resume)
 * @param deliveryThreads deliveries under way at once: one slow endpoint holds one of them, for the timeout at most
 * @param missingEducationSchoolDays school days (Monday to Friday) after a child of compulsory school age leaves a
 *     school's roll by which another school must have the child on roll or an admission planned; if none has, the
 *     responsible council hears (topic {@code child-missing-education-1})
 */
@Validated
@ConfigurationProperties("childlink.signals")
public record SignalsProperties(
		@DefaultValue("true") boolean worker,
		@NotNull @DefaultValue("5s") Duration poll,
		@DefaultValue("false") boolean allowHttp,
		@NotNull @DefaultValue({}) List<String> allowedNetworks,
		@NotNull @DefaultValue("10s") Duration deliveryTimeout,
		@NotNull @DefaultValue("10s") Duration retry,
		@Min(1) @DefaultValue("5") int failuresBeforeError,
		@Min(1) @DefaultValue("4") int deliveryThreads,
		@Min(1) @DefaultValue("10") int missingEducationSchoolDays) {}
