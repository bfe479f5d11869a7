package uk.childlink.schools.attendance;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code maxLength} characters, so that a file without line breaks (or with one enormous
 * line) cannot fill the memory: a longer line is skipped to its end and reported as too long.
 */
public final class LineReader {

	public static final String TOO_LONG = "\u0000too long";

	private final Reader in;
	private final int maxLength;
	private final StringBuilder line = new StringBuilder();
	private long number;

	public LineReader(Reader in, int maxLength) {
		this.in = in;
		this.maxLength = maxLength;
	}

	/** The next line without its line break, {@link #TOO_LONG} for an over-long one, null at the end. */
	public String next() throws IOException {
		line.setLength(0);
		boolean tooLong = false;
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\n') {
				break;
			}
			if (line.length() < maxLength) {
				line.append((char) c);
			} else {
				tooLong = true;
			}
		}
		if (c == -1 && line.isEmpty() && !tooLong) {
			return null;
		}
		number++;
		if (tooLong) {
			return TOO_LONG;
		}
		int end = line.length();
		if (end > 0 && line.charAt(end - 1) == '\r') {
			end--;
		}
		return line.substring(0, end);
	}

	/** The number of the line {@link #next} returned last, from 1. */
	public long number() {
		return number;
	}
}
