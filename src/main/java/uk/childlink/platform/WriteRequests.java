package uk.childlink.platform;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * In-process requests that write whatever their operation says (an import's transaction of weeks or pupils): the
 * platform treats their transactions as a client's writes (they plan their statements generically, see
 * {@code platform/database/WritePlans}).
 */
public final class WriteRequests {

	private static final String KEY = WriteRequests.class.getName();

	private WriteRequests() {}

	/** Marks the request as one that writes. */
	public static <R extends RequestDetails> R mark(R request) {
		request.getUserData().put(KEY, Boolean.TRUE);
		return request;
	}

	public static boolean isMarked(RequestDetails request) {
		return Boolean.TRUE.equals(request.getUserData().get(KEY));
	}
}
