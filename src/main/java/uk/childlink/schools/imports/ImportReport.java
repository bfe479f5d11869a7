package uk.childlink.schools.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems found in an import, each with where it is (a line of the file), kept up to {@value #LISTED}; beyond that
 * they are only counted, so that a file of a million bad lines does not make a report of a million entries.
 */
public final class ImportReport {

	public static final int LISTED = 1000;

	public record Problem(long line, String reason) {}

	private final List<Problem> listed = new ArrayList<>();
	private long count;

	public void add(long line, String reason) {
		count++;
		if (listed.size() < LISTED) {
			listed.add(new Problem(line, reason));
		}
	}

	/** Counts problems reported elsewhere without their details (beyond another report's listed ones). */
	public void addUnlisted(long n) {
		count += n;
	}

	public List<Problem> listed() {
		return listed;
	}

	public long count() {
		return count;
	}

	public long notListed() {
		return count - listed.size();
	}
}
