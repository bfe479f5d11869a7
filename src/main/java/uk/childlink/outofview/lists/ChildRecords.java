package uk.childlink.outofview.lists;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Patient;

/** The children's records a list's page shows, read in one search (the access rules apply on the way out). */
final class ChildRecords {

	private final IFhirResourceDao<Patient> patients;

	ChildRecords(IFhirResourceDao<Patient> patients) {
		this.patients = patients;
	}

	/** The records of the children with these ids, by id (a deleted one is absent). */
	Map<String, Patient> byId(List<String> ids) {
		Map<String, Patient> records = new HashMap<>();
		if (ids.isEmpty()) {
			return records;
		}
		TokenOrListParam any = new TokenOrListParam();
		ids.forEach(id -> any.add(null, id));
		SearchParameterMap search = SearchParameterMap.newSynchronous().add("_id", any);
		for (var found : patients.searchForResources(search, new SystemRequestDetails())) {
			records.put(found.getIdElement().getIdPart(), (Patient) found);
		}
		return records;
	}
}
