package uk.childlink.population.statistics;

/**
 * The absence figures of a group of pupil enrolments over a period, unrounded and unsuppressed: enrolments (a pupil at
 * a school) with possible sessions, their possible sessions and sessions missed, and how many of them missed 10% or
 * more (persistent) or 50% or more (severe) of their own possible sessions.
 */
record AbsenceFigures(long enrolments, long possible, long authorised, long unauthorised, long persistent, long severe) {

	static final AbsenceFigures NONE = new AbsenceFigures(0, 0, 0, 0, 0, 0);

	AbsenceFigures plus(AbsenceFigures other) {
		return new AbsenceFigures(enrolments + other.enrolments, possible + other.possible,
				authorised + other.authorised, unauthorised + other.unauthorised, persistent + other.persistent,
				severe + other.severe);
	}

	long absent() {
		return authorised + unauthorised;
	}
}
