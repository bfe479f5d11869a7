package uk.childlink.population.export;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.model.StatusEnum;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an export's file goes: its export cancelled, failed or forgotten, or the retention period after it ended over. */
class ExportFilesTest {

	private static final Instant ENDED = Instant.parse("2026-12-03T10:00:00Z");
	private static final Duration TWO_HOURS = Duration.ofHours(2);

	@Test
	void aFileStaysWhileItsExportRunsAndForTheRetentionPeriodAfterItEnds() {
		Instant soon = ENDED.plus(Duration.ofMinutes(119));
		assertThat(ExportFiles.expired(StatusEnum.COMPLETED, ENDED, soon, TWO_HOURS)).isFalse();
		assertThat(ExportFiles.expired(StatusEnum.IN_PROGRESS, null, ENDED.plus(Duration.ofDays(1)), TWO_HOURS))
				.as("a long export's early files").isFalse();
		assertThat(ExportFiles.expired(StatusEnum.COMPLETED, ENDED, ENDED.plus(Duration.ofMinutes(121)), TWO_HOURS))
				.isTrue();
	}

	@Test
	void aCancelledFailedOrForgottenExportsFilesGoAtOnce() {
		assertThat(ExportFiles.expired(StatusEnum.CANCELLED, ENDED, ENDED, TWO_HOURS)).isTrue();
		assertThat(ExportFiles.expired(StatusEnum.FAILED, ENDED, ENDED, TWO_HOURS)).isTrue();
		assertThat(ExportFiles.expired(null, ENDED, ENDED, TWO_HOURS)).isTrue();
	}
}
