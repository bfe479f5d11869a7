package uk.childlink.identity.match;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;

/**
 * {@code POST /fhir/Patient/$match} (FHIR R4 Patient-match): given a Patient, the stored children it may be,
 * each with a score and the standard match-grade extension. See {@link PatientMatcher} for the rules.
 */
class PatientMatchOperation {

	static final String MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade";
	private static final int DEFAULT_COUNT = 10;
	private static final int MAX_COUNT = 100;

	private final PatientMatcher matcher;

	PatientMatchOperation(PatientMatcher matcher) {
		this.matcher = matcher;
	}

	@Operation(name = "$match", type = Patient.class, idempotent = false,
			canonicalUrl = "http://hl7.org/fhir/OperationDefinition/Patient-match")
	public Bundle match(
			@OperationParam(name = "resource", min = 1, max = 1) Patient resource,
			@OperationParam(name = "onlyCertainMatches", max = 1) BooleanType onlyCertainMatches,
			@OperationParam(name = "count", max = 1) IntegerType count,
			RequestDetails request) {
		if (resource == null) {
			throw new InvalidRequestException("$match needs the Patient to match, in the parameter 'resource'");
		}
		if (!PatientMatcher.hasMatchableData(resource)) {
			throw new InvalidRequestException("Nothing to match on: give an identifier (NHS number, UPN), "
					+ "or two of family name, given name and birth date");
		}
		int limit = count == null || count.getValue() == null ? DEFAULT_COUNT : count.getValue();
		if (limit < 1 || limit > MAX_COUNT) {
			throw new InvalidRequestException("count must be between 1 and " + MAX_COUNT + ", not " + limit);
		}
		boolean onlyCertain = onlyCertainMatches != null && Boolean.TRUE.equals(onlyCertainMatches.getValue());

		List<PatientMatcher.Candidate> candidates = matcher.match(resource, onlyCertain, limit, request);

		Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(candidates.size());
		for (PatientMatcher.Candidate candidate : candidates) {
			Bundle.BundleEntryComponent entry = bundle.addEntry()
					.setFullUrl(request.getFhirServerBase() + "/" + candidate.patient().getIdElement().toUnqualifiedVersionless().getValue())
					.setResource(candidate.patient());
			entry.getSearch().setMode(Bundle.SearchEntryMode.MATCH).setScore(candidate.score())
					.addExtension(MATCH_GRADE, new CodeType(candidate.grade().code));
		}
		return bundle;
	}
}
