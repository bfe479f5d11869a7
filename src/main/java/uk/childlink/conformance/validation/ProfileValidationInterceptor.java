package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Refuses, with 422 and every error with its location, a write of a resource that does not meet the ChildLink
 * profiles that apply to it. A storage hook, so it covers creates, updates, conditional writes, PATCH results and
 * each entry of a transaction (where one refusal rolls back the whole bundle).
 */
@Interceptor
final class ProfileValidationInterceptor {

	private final ProfileValidator validator;
	private final FhirContext fhirContext;

	ProfileValidationInterceptor(ProfileValidator validator, FhirContext fhirContext) {
		this.validator = validator;
		this.fhirContext = fhirContext;
	}

	private static final String BUNDLE = ProfileValidationInterceptor.class.getName() + ".bundle";

	/** Remembers the bundle: HAPI gives each entry its own sub-request, which shares the user data. */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void transactionStarting(RequestDetails request, IBaseBundle bundle) {
		if (request != null) {
			request.getUserData().putIfAbsent(BUNDLE, bundle);
		}
	}

	/** After the other write rules (the identity rules' messages about an identifier are the more precise ones). */
	private static final int AFTER_OTHER_RULES = 100;

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER_OTHER_RULES)
	public void beforeCreate(IBaseResource resource, RequestDetails request) {
		check(resource, request);
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER_OTHER_RULES)
	public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		check(newResource, request);
	}

	private void check(IBaseResource resource, RequestDetails request) {
		OperationOutcome errors = validator.errors(resource, bundleEntry(resource, request));
		if (errors != null) {
			throw new UnprocessableEntityException(fhirContext, errors);
		}
	}

	/**
	 * Where the resource sits in the transaction or batch being processed ({@code Bundle.entry[i].resource}), so that
	 * a client sending a hundred entries learns which one failed. HAPI hands each entry's own resource object to
	 * storage, so identity finds it (inside a batch, the outer bundle's index).
	 */
	private static String bundleEntry(IBaseResource resource, RequestDetails request) {
		if (request != null && request.getUserData().get(BUNDLE) instanceof Bundle bundle) {
			for (int i = 0; i < bundle.getEntry().size(); i++) {
				if (bundle.getEntry().get(i).getResource() == resource) {
					return "Bundle.entry[" + i + "].resource";
				}
			}
		}
		return null;
	}
}
