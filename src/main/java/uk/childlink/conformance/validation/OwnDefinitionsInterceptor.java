package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import uk.childlink.platform.Pipeline;

/**
 * ChildLink's own profiles, code systems and search parameters (canonical URL under {@code https://fhir.childlink.uk/})
 * come from the server's {@code fhir-profiles/} and {@code terminology/} and nowhere else: a client that stored its
 * own {@code .../StructureDefinition/attendance} would quietly change what every write is checked against (HAPI's
 * validator uses the latest resource with a URL). Writes and deletes of such definitions over the API are refused
 * with 403; the loader's own writes are internal requests, not servlet ones.
 */
@Interceptor(order = Pipeline.Order.OWN_DEFINITIONS)
final class OwnDefinitionsInterceptor {

	private final FhirTerser terser;

	OwnDefinitionsInterceptor(FhirContext fhirContext) {
		this.terser = fhirContext.newTerser();
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource resource, RequestDetails request) {
		refuseIfOurs(request, resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
		refuseIfOurs(request, oldResource);
		refuseIfOurs(request, newResource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void beforeDelete(IBaseResource resource, RequestDetails request) {
		refuseIfOurs(request, resource);
	}

	private void refuseIfOurs(RequestDetails request, IBaseResource resource) {
		if (!(request instanceof ServletRequestDetails) || resource == null
				|| !ProfileSelector.DEFINITIONS.contains(resource.fhirType())) {
			return;
		}
		String url = terser.getSinglePrimitiveValueOrNull(resource, "url");
		if (url == null || !url.startsWith(ProfileSelector.BASE)) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.FORBIDDEN)
				.setDiagnostics(resource.fhirType() + " " + url + " is one of ChildLink's own definitions: it comes "
						+ "from the server's fhir-profiles/ and terminology/ folders and cannot be changed through the API. "
						+ "Publish your own under your own canonical URL.")
				.addLocation(resource.fhirType() + ".url")
				.addExpression(resource.fhirType() + ".url");
		throw new ForbiddenOperationException(outcome.getIssueFirstRep().getDiagnostics(), outcome);
	}
}
