package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.IInterceptorBroadcaster;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A request whose body HAPI reads whole into memory (a resource, a transaction, an operation's Parameters) is held to
 * {@code childlink.server.max-request-size}, gzip-compressed bodies once uncompressed too: a larger one is refused
 * with 413 as soon as the limit is passed, instead of taking the heap down with it (a 30 MB Bundle parses into a
 * good part of a gigabyte). The school imports stream their uploads and keep their own limit.
 */
final class BoundedRequestDetails extends ServletRequestDetails {

	private final long limit;

	BoundedRequestDetails(IInterceptorBroadcaster interceptors, long limit) {
		super(interceptors);
		this.limit = limit;
	}

	@Override
	protected byte[] getByteStreamRequestContents() {
		try {
			byte[] body = readAtMostLimit(getInputStream());
			if (getServer().isUncompressIncomingContents()
					&& "gzip".equals(getServletRequest().getHeader(Constants.HEADER_CONTENT_ENCODING)) && body.length > 0) {
				body = readAtMostLimit(new GZIPInputStream(new ByteArrayInputStream(body)));
			}
			return body;
		} catch (IOException e) {
			throw new InvalidRequestException("The request body could not be read: " + e.getMessage());
		}
	}

	private byte[] readAtMostLimit(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		byte[] buffer = new byte[64 * 1024];
		for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
			body.write(buffer, 0, n);
			if (body.size() > limit) {
				throw new PayloadTooLargeException("The request body is larger than this server takes (" + limit
						+ " bytes, childlink.server.max-request-size): send large sets of records as several "
						+ "transactions");
			}
		}
		return body.toByteArray();
	}
}
