package uk.childlink.identity;

import java.util.concurrent.atomic.AtomicLong;

/** Synthetic, valid UPNs and ULNs for tests, different on each run. */
public final class TestIdentifiers {

	private static final AtomicLong NEXT_UPN = new AtomicLong(200_000_000_000L + (System.nanoTime() & 0xFFFFFFL) * 1000);
	private static final AtomicLong NEXT_ULN = new AtomicLong(500_000_000L + (System.nanoTime() & 0xFFFFFL));

	private TestIdentifiers() {}

	/** A permanent UPN issued by LA 999 (no such council: plainly synthetic). */
	public static String nextPermanentUpn() {
		String body = "999" + String.format("%09d", NEXT_UPN.getAndIncrement() % 1_000_000_000L);
		return Upn.checkLetter("?" + body) + body;
	}

	/** A temporary UPN (11 digits and a final letter). */
	public static String nextTemporaryUpn() {
		String body = "999" + String.format("%08d", NEXT_UPN.getAndIncrement() % 100_000_000L) + "T";
		return Upn.checkLetter("?" + body) + body;
	}

	public static String nextUln() {
		while (true) {
			String nine = Long.toString(NEXT_ULN.getAndIncrement());
			for (int last = 0; last <= 9; last++) {
				String candidate = nine + last;
				try {
					return Uln.parse(candidate).value();
				} catch (InvalidIdentifierException notThisOne) {
					// try the next final digit
				}
			}
		}
	}
}
