package uk.childlink.care.attendance;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A pupil's sessions over a period, by statistical category, and what follows from them (DfE pupil absence
 * statistics): possible sessions are those not coded "not a possible session"; absence is authorised plus
 * unauthorised; a pupil missing 10% or more of possible sessions is persistently absent, 50% or more severely.
 */
record AttendanceSummary(int records, int possible, int present, int approvedActivity, int authorised,
		int unauthorised) {

	static final AttendanceSummary NONE = new AttendanceSummary(0, 0, 0, 0, 0, 0);

	AttendanceSummary plus(AttendanceSummary other) {
		return new AttendanceSummary(records + other.records, possible + other.possible, present + other.present,
				approvedActivity + other.approvedActivity, authorised + other.authorised,
				unauthorised + other.unauthorised);
	}

	int absent() {
		return authorised + unauthorised;
	}

	/** Attendance rate in %, to one decimal place; null when there were no possible sessions. */
	BigDecimal attendanceRate() {
		return percent(present + approvedActivity);
	}

	/** Overall absence rate in %, to one decimal place; null when there were no possible sessions. */
	BigDecimal absenceRate() {
		return percent(absent());
	}

	/** 10% or more of possible sessions missed, compared exactly (not after rounding). */
	boolean persistentlyAbsent() {
		return possible > 0 && absent() * 10L >= possible;
	}

	/** 50% or more of possible sessions missed. */
	boolean severelyAbsent() {
		return possible > 0 && absent() * 2L >= possible;
	}

	private BigDecimal percent(int sessions) {
		if (possible == 0) {
			return null;
		}
		return BigDecimal.valueOf(sessions * 100L).divide(BigDecimal.valueOf(possible), 1, RoundingMode.HALF_UP);
	}
}
