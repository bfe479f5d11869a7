package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.platform.Pipeline;

/**
 * Refuses, with 422 and every error with its location, a write of a resource that does not meet the ChildLink
 * profiles that apply to it. Storage hooks, so they cover creates, updates, conditional writes, PATCH results and
 * every entry of a transaction or batch (in a transaction one refusal refuses the whole bundle).
 */
@Interceptor(order = Pipeline.Order.VALIDATION)
final class ProfileValidationInterceptor {

	private final ProfileValidator validator;
	private final FhirContext fhirContext;

	ProfileValidationInterceptor(ProfileValidator validator, FhirContext fhirContext) {
		this.validator = validator;
		this.fhirContext = fhirContext;
	}

	/** Entries of the transaction being processed that passed {@link #transactionStarting}. */
	private static final String CHECKED = ProfileValidationInterceptor.class.getName() + ".checked";

	private static final String IN_BATCH = ProfileValidationInterceptor.class.getName() + ".batch";

	/**
	 * A transaction is checked whole before HAPI writes any of it, so that the client learns every error in every
	 * entry at once, each located at its entry ({@code Bundle.entry[3].resource.component[0]}), instead of one
	 * entry per round trip. Each entry is then written without a second check (HAPI hands storage the entry's own
	 * resource object, and every sub-request shares this request's user data). PATCH entries are checked when
	 * their result is stored; batch entries stand alone, so each is checked as it is stored.
	 */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void transactionStarting(RequestDetails request, IBaseBundle bundle) {
		if (request == null || !(bundle instanceof Bundle transaction) || TrustedWrites.isMarked(request)) {
			return;
		}
		if (transaction.getType() == Bundle.BundleType.BATCH) {
			// HAPI then processes each entry as a one-entry transaction: let storage check them one by one
			request.getUserData().put(IN_BATCH, Boolean.TRUE);
			return;
		}
		if (transaction.getType() != Bundle.BundleType.TRANSACTION || request.getUserData().containsKey(IN_BATCH)) {
			return;
		}
		List<Bundle.BundleEntryComponent> written = new ArrayList<>();
		List<String> locations = new ArrayList<>();
		for (int i = 0; i < transaction.getEntry().size(); i++) {
			Bundle.BundleEntryComponent entry = transaction.getEntry().get(i);
			Bundle.HTTPVerb method = entry.getRequest().getMethod();
			if (!entry.hasResource() || (method != Bundle.HTTPVerb.POST && method != Bundle.HTTPVerb.PUT)) {
				continue;
			}
			written.add(entry);
			locations.add("Bundle.entry[" + i + "].resource");
		}
		OperationOutcome errors = validator.errorsOfEach(written, locations);
		if (errors != null) {
			throw new UnprocessableEntityException(fhirContext, errors);
		}
		Set<IBaseResource> checked = Collections.newSetFromMap(new IdentityHashMap<>());
		written.forEach(entry -> checked.add(entry.getResource()));
		request.getUserData().put(CHECKED, checked);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource resource, RequestDetails request) {
		check(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		check(newResource, request);
	}

	private void check(IBaseResource resource, RequestDetails request) {
		if (TrustedWrites.isMarked(request)) {
			return;
		}
		if (request != null && request.getUserData().get(CHECKED) instanceof Set<?> checked
				&& checked.contains(resource)) {
			return;
		}
		OperationOutcome errors = validator.errors(resource);
		if (errors != null) {
			throw new UnprocessableEntityException(fhirContext, errors);
		}
	}
}
