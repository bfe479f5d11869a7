package uk.childlink.schools.attendance;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;

/** Where gathered weeks of marks go: {@link WeekStore} in the server. */
public interface WeekWriter {

	/**
	 * Lays each week over what is stored for it and writes the result, as written on behalf of the request's caller
	 * (audited as theirs); says what happened.
	 */
	WeekStore.Outcome write(List<WeekStore.Pending> weeks, RequestDetails onBehalfOf);
}
