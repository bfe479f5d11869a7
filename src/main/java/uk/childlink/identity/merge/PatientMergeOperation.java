package uk.childlink.identity.merge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.svc.IMergeOperationProviderSvc;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseParameters;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;

/**
 * {@code POST /fhir/Patient/$merge} (FHIR Patient-merge): HAPI FHIR's merge (references move to the target, the
 * source is kept inactive and linked {@code replaced-by}, the target links {@code replaces} and gains the source's
 * identifiers as {@code use = old}; {@code preview} shows the result without writing), with ChildLink's rules checked
 * before anything moves (see {@link NhsNumberMergeCheck}). A client-supplied {@code result-patient} is refused (400).
 */
class PatientMergeOperation {

	private final IMergeOperationProviderSvc merge;
	private final NhsNumberMergeCheck check;
	private final FhirContext fhirContext;

	PatientMergeOperation(IMergeOperationProviderSvc merge, NhsNumberMergeCheck check, FhirContext fhirContext) {
		this.merge = merge;
		this.check = check;
		this.fhirContext = fhirContext;
	}

	@Operation(name = ProviderConstants.OPERATION_MERGE, type = Patient.class,
			canonicalUrl = "http://hl7.org/fhir/OperationDefinition/Patient-merge")
	public IBaseParameters merge(
			ServletRequestDetails request,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_SOURCE_PATIENT_IDENTIFIER, typeName = "Identifier")
					List<IBase> sourceIdentifiers,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_TARGET_PATIENT_IDENTIFIER, typeName = "Identifier")
					List<IBase> targetIdentifiers,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_SOURCE_PATIENT, max = 1) IBaseReference source,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_TARGET_PATIENT, max = 1) IBaseReference target,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_PREVIEW, typeName = "boolean", max = 1)
					IPrimitiveType<Boolean> preview,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_DELETE_SOURCE, typeName = "boolean", max = 1)
					IPrimitiveType<Boolean> deleteSource,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_RESULT_PATIENT, max = 1) IBaseResource resultPatient,
			@OperationParam(name = ProviderConstants.OPERATION_MERGE_PARAM_RESOURCE_LIMIT, typeName = "unsignedInt")
					IPrimitiveType<Integer> resourceLimit) {
		if (resultPatient != null) {
			// HAPI applies a client's result-patient after references have moved; ChildLink's rules on it could then
			// only fail half-way, so the server builds the result itself
			throw new InvalidRequestException("result-patient is not supported: ChildLink builds the merged record "
					+ "itself (the target, with the source's identifiers carried over as use = old)");
		}
		if (deleteSource != null && Boolean.TRUE.equals(deleteSource.getValue())) {
			// HAPI's merge names the source in its Provenance, then deletes the source: the Provenance's reference
			// makes the delete fail (409) after the references have moved. A merged-away record is kept instead
			throw new InvalidRequestException("delete-source is not supported: the merged-away record is kept, "
					+ "inactive and linked replaced-by the target, so that its identifiers still lead to the child and "
					+ "the merge's Provenance can name it; send the merge without delete-source");
		}
		check.conflict(sourceIdentifiers, targetIdentifiers, source, target, request).ifPresent(reason -> {
			OperationOutcome outcome = new OperationOutcome();
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(reason);
			throw new UnprocessableEntityException(fhirContext, outcome);
		});
		return merge.merge(sourceIdentifiers, targetIdentifiers, source, target, preview, deleteSource, resultPatient,
				resourceLimit, request);
	}
}
