package uk.childlink.identity.merge;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Service;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.NhsNumber;

/**
 * Before a merge moves anything (HAPI moves references in one transaction and updates the records in another, so a
 * rule failing in the second would leave a half-done merge):
 * <ul>
 *   <li>a child has one NHS number, so merging records that hold different NHS numbers is refused (two children, or
 *       one number is wrong and must be corrected first);
 *   <li>the record that keeps the NHS number is the one to keep: merging a record with an NHS number into one without
 *       would leave the number, as HAPI carries it over ({@code use = old}), no longer the survivor's key.
 * </ul>
 * Records that cannot be resolved here are left to HAPI's merge, which reports them.
 */
@Service
class NhsNumberMergeCheck {

	private final IFhirResourceDao<Patient> patients;

	NhsNumberMergeCheck(IFhirResourceDao<Patient> patients) {
		this.patients = patients;
	}

	/** The NHS numbers the target would hold after the merge, if more than one: the reason to refuse. */
	Optional<String> conflict(List<IBase> sourceIdentifiers, List<IBase> targetIdentifiers, IBaseReference sourceRef,
			IBaseReference targetRef, RequestDetails request) {
		Optional<Patient> source = resolve(sourceRef, sourceIdentifiers, request);
		Optional<Patient> target = resolve(targetRef, targetIdentifiers, request);
		if (source.isEmpty() || target.isEmpty()) {
			return Optional.empty();
		}
		List<String> sourceNumbers = nhsNumbers(source.get());
		List<String> targetNumbers = nhsNumbers(target.get());
		TreeSet<String> numbers = new TreeSet<>(sourceNumbers);
		numbers.addAll(targetNumbers);
		if (numbers.size() > 1) {
			return Optional.of("Merging these records would give one child two NHS numbers (" + String.join(" and ", numbers)
					+ "): they are different children, or one number is wrong and must be corrected before merging");
		}
		if (!sourceNumbers.isEmpty() && targetNumbers.isEmpty()) {
			return Optional.of("The source record holds NHS number " + sourceNumbers.get(0) + " and the target holds none: "
					+ "merge the other way round, keeping the record with the NHS number as the target");
		}
		return Optional.empty();
	}

	private Optional<Patient> resolve(IBaseReference ref, List<IBase> identifiers, RequestDetails request) {
		try {
			if (ref != null && ((Reference) ref).hasReference()) {
				return Optional.of(patients.read(new IdType(((Reference) ref).getReference()), request));
			}
			if (identifiers != null && !identifiers.isEmpty()) {
				TokenAndListParam all = new TokenAndListParam();
				for (IBase i : identifiers) {
					Identifier identifier = (Identifier) i;
					all.addAnd(new TokenParam(identifier.getSystem(), identifier.getValue()));
				}
				IBundleProvider found = patients.search(SearchParameterMap.newSynchronous().add("identifier", all), request);
				List<IBaseResource> matches = found.getResources(0, 2);
				return matches.size() == 1 ? Optional.of((Patient) matches.get(0)) : Optional.empty();
			}
		} catch (BaseServerResponseException unresolvable) {
			// HAPI's merge validation reports it to the client
		}
		return Optional.empty();
	}

	private static List<String> nhsNumbers(Patient patient) {
		return patient.getIdentifier().stream()
				.filter(i -> IdentifierSystems.NHS_NUMBER.equals(i.getSystem()) && NhsNumber.isValid(i.getValue()))
				.map(i -> NhsNumber.parse(i.getValue()).value())
				.distinct()
				.toList();
	}
}
