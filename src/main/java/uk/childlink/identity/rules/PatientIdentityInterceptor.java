package uk.childlink.identity.rules;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.platform.Pipeline;

/**
 * Applies {@link PatientIdentifierRules} to every Patient just before it is stored: plain creates and updates,
 * conditional ones, PATCH results and transaction entries alike. A broken rule refuses the write with 422 and an
 * OperationOutcome naming each identifier, its rule and its location; in a transaction nothing is written.
 */
@Interceptor(order = Pipeline.Order.IDENTITY)
class PatientIdentityInterceptor {

	private final PatientIdentifierRules rules;
	private final FhirContext fhirContext;

	PatientIdentityInterceptor(PatientIdentifierRules rules, FhirContext fhirContext) {
		this.rules = rules;
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource) {
		check(newResource);
	}

	private void check(IBaseResource resource) {
		if (!(resource instanceof Patient patient)) {
			return;
		}
		List<IdentifierProblem> problems = rules.normaliseAndCheck(patient);
		if (problems.isEmpty()) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		for (IdentifierProblem problem : problems) {
			outcome.addIssue()
					.setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(OperationOutcome.IssueType.VALUE)
					.setDiagnostics(problem.message())
					.addLocation(problem.location())
					.addExpression(problem.location());
		}
		throw new UnprocessableEntityException(fhirContext, outcome);
	}
}
