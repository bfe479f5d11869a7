package uk.childlink.access.authorisation;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletSubRequestDetails;
import ca.uhn.fhir.rest.server.util.ServletRequestUtil;
import com.google.common.collect.ArrayListMultimap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The read entries of a batch or transaction as HAPI will run them: each parsed into a sub-request by HAPI's own
 * code (the one its transaction processor uses), with the interaction HAPI's method binding gives it, so that the
 * gate and the narrowing judge an entry as they judge the same request sent alone.
 */
final class BatchReads {

	private BatchReads() {}

	/** One GET (or HEAD) entry: the entry, its sub-request (sharing the caller with the bundle's request), its interaction. */
	record Read(Bundle.BundleEntryComponent entry, ServletSubRequestDetails request, RestOperationTypeEnum operation) {}

	/**
	 * The read entries {@code by} has not yet been shown in this request. HAPI calls its transaction hook for a batch
	 * as a whole and then for each entry again (with the same entry): an entry is judged, and narrowed, once.
	 */
	static List<Read> unseen(IBaseBundle bundle, RequestDetails request, String by) {
		if (!(bundle instanceof Bundle b) || !(request instanceof ServletRequestDetails servlet)
				|| servlet.getServer() == null) {
			return List.of();
		}
		@SuppressWarnings("unchecked")
		Set<Object> seen = (Set<Object>) request.getUserData().computeIfAbsent(BatchReads.class.getName() + "." + by,
				k -> Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())));
		List<Read> reads = new ArrayList<>();
		for (Bundle.BundleEntryComponent entry : b.getEntry()) {
			if (!seen.add(entry)) {
				continue;
			}
			Bundle.HTTPVerb verb = entry.getRequest().getMethod();
			String url = entry.getRequest().getUrl();
			if (verb != Bundle.HTTPVerb.GET && verb != Bundle.HTTPVerb.HEAD || url == null || url.isBlank()) {
				continue;
			}
			try {
				ServletSubRequestDetails sub = ServletRequestUtil.getServletSubRequestDetails(servlet, url, "GET",
						ArrayListMultimap.create());
				BaseMethodBinding method = servlet.getServer().determineResourceMethod(sub, sub.getRequestPath());
				if (method != null) {
					RestOperationTypeEnum operation = method.getRestOperationType(sub);
					sub.setRestOperationType(operation);
					reads.add(new Read(entry, sub, operation));
				}
			} catch (BaseServerResponseException e) {
				// a URL HAPI cannot run: it answers that entry itself (unknown type, bad path), reading nothing
			}
		}
		return reads;
	}
}
