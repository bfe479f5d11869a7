package uk.childlink.population.export;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.model.StatusEnum;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an export's file goes: its export cancelled, failed or forgotten, or its retention period over. */
class ExportFilesTest {

	private static final Instant WRITTEN = Instant.parse("2026-12-03T10:00:00Z");
	private static final Duration TWO_HOURS = Duration.ofHours(2);

	@Test
	void aFileStaysForTheRetentionPeriodOfAFinishedOrRunningExport() {
		Instant soon = WRITTEN.plus(Duration.ofMinutes(119));
		assertThat(ExportFiles.expired(StatusEnum.COMPLETED, WRITTEN, soon, TWO_HOURS)).isFalse();
		assertThat(ExportFiles.expired(StatusEnum.IN_PROGRESS, WRITTEN, soon, TWO_HOURS)).isFalse();
		assertThat(ExportFiles.expired(StatusEnum.COMPLETED, WRITTEN, WRITTEN.plus(Duration.ofMinutes(121)), TWO_HOURS))
				.isTrue();
	}

	@Test
	void aCancelledFailedOrForgottenExportsFilesGoAtOnce() {
		assertThat(ExportFiles.expired(StatusEnum.CANCELLED, WRITTEN, WRITTEN, TWO_HOURS)).isTrue();
		assertThat(ExportFiles.expired(StatusEnum.FAILED, WRITTEN, WRITTEN, TWO_HOURS)).isTrue();
		assertThat(ExportFiles.expired(null, WRITTEN, WRITTEN, TWO_HOURS)).isTrue();
	}
}
