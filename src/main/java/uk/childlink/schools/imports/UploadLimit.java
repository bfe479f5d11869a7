package uk.childlink.schools.imports;

import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The body of an upload, refused with 413 when it is larger than the limit: at once when its declared length says
 * so, else as soon as more than the limit has been read (for a chunked upload).
 */
public final class UploadLimit extends FilterInputStream {

	private final long limit;
	private final String operation;
	private long read;

	private UploadLimit(InputStream in, long limit, String operation) {
		super(in);
		this.limit = limit;
		this.operation = operation;
	}

	/**
	 * The body of an import request: 415 unless its Content-Type is one of {@code types}, 413 when it declares a size
	 * over the limit, and cut off with 413 when it runs over the limit.
	 */
	public static InputStream body(HttpServletRequest request, long limit, String operation, String... types)
			throws IOException {
		String type = request.getContentType();
		if (type == null || Arrays.stream(types).noneMatch(type::startsWith)) {
			throw new UnclassifiedServerFailureException(415, operation + " takes " + String.join(" or ", types)
					+ " as the request body, not " + (type == null ? "a body without Content-Type" : type));
		}
		return of(request.getInputStream(), request.getContentLengthLong(), limit, operation);
	}

	public static InputStream of(InputStream body, long declaredLength, long limit, String operation) {
		if (declaredLength > limit) {
			throw tooLarge(operation, limit, "is " + declaredLength + " bytes");
		}
		return new UploadLimit(body, limit, operation);
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		count(b < 0 ? 0 : 1);
		return b;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		int n = super.read(buffer, offset, length);
		count(Math.max(n, 0));
		return n;
	}

	private void count(int n) {
		read += n;
		if (read > limit) {
			throw tooLarge(operation, limit, "is larger");
		}
	}

	private static PayloadTooLargeException tooLarge(String operation, long limit, String size) {
		return new PayloadTooLargeException(operation + ": the file " + size + " than the limit of " + limit
				+ " bytes (childlink.schools.max-upload-size); split it and send the parts");
	}
}
