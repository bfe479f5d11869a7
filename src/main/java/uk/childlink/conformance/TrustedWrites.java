package uk.childlink.conformance;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

/**
 * Writes the server makes itself from a mapping whose output is known to meet the profiles (the school-data
 * importers) skip the per-resource profile check, which costs about 18 ms a resource and would make an import of a
 * school year take the best part of an hour (ADR 0007). Only an in-process {@link SystemRequestDetails} can carry the
 * mark: a client's request cannot. The mapping is held to the profiles by its tests instead, which validate what
 * it writes.
 */
public final class TrustedWrites {

	private static final String KEY = TrustedWrites.class.getName();

	private TrustedWrites() {}

	/** Marks an in-process request as carrying resources built by a tested mapping. */
	public static SystemRequestDetails mark(SystemRequestDetails request) {
		request.getUserData().put(KEY, Boolean.TRUE);
		return request;
	}

	/** Whether the request was marked by {@link #mark} (never true for a client's request). */
	public static boolean isMarked(RequestDetails request) {
		return request instanceof SystemRequestDetails && Boolean.TRUE.equals(request.getUserData().get(KEY));
	}
}
