package uk.childlink.schools.imports;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.identity.IdentifierSystems;

/**
 * Finds schools by URN and pupils by UPN for one import, remembering the answers (up to {@value #REMEMBERED} of each)
 * so that a file of a million marks for a few thousand pupils makes a few thousand look-ups, not a million. (Not
 * final, so that the marks import can be tested without a database.)
 */
public class Directory {

	public static final String URN_SYSTEM = "https://fhir.hl7.org.uk/Id/urn-school-number";
	private static final int REMEMBERED = 50_000;
	private static final int AT_ONCE = 200;

	/** A pupil look-up: the child's id, or why there is none. */
	public record Pupil(String patientId, String problem) {}

	private final IFhirResourceDao<Organization> organizations;
	private final IFhirResourceDao<Patient> patients;
	private final RequestDetails request;
	private final Map<String, String> schools = lru();
	private final Map<String, Pupil> pupils = lru();

	public Directory(IFhirResourceDao<Organization> organizations, IFhirResourceDao<Patient> patients,
			RequestDetails request) {
		this.organizations = organizations;
		this.patients = patients;
		this.request = request;
	}

	/** The id of the school's Organization, or null when no school with that URN is registered. */
	public String school(String urn) {
		if (schools.containsKey(urn)) {
			return schools.get(urn);
		}
		List<?> found = organizations.search(SearchParameterMap.newSynchronous()
				.add(Organization.SP_IDENTIFIER, new TokenParam(URN_SYSTEM, urn)), request).getAllResources();
		String id = found.isEmpty() ? null : ((Organization) found.get(0)).getIdElement().getIdPart();
		schools.put(urn, id);
		return id;
	}

	/** Records that a school now has an Organization (created during the import). */
	public void rememberSchool(String urn, String id) {
		schools.put(urn, id);
	}

	/**
	 * The child whose current or former UPN this is. Records merged into another are not offered; two children
	 * sharing the UPN are reported, never guessed between.
	 */
	public Pupil pupil(String upn) {
		return pupils.computeIfAbsent(upn, u -> pupilOf(u, byUpn(u)));
	}

	/**
	 * Looks up, {@value #AT_ONCE} to a search, the pupils of these UPNs not known yet, so that {@link #pupil} answers
	 * them from memory: a file's next few thousand rows name a few hundred pupils, each a search of its own otherwise.
	 */
	public void rememberPupils(Collection<String> upns) {
		List<String> unknown = upns.stream().distinct().filter(u -> !pupils.containsKey(u)).toList();
		for (int from = 0; from < unknown.size(); from += AT_ONCE) {
			List<String> batch = unknown.subList(from, Math.min(from + AT_ONCE, unknown.size()));
			TokenOrListParam any = new TokenOrListParam();
			batch.forEach(u -> any.addOr(new TokenParam(IdentifierSystems.UPN, u)));
			Set<String> asked = new HashSet<>(batch);
			Map<String, List<Patient>> holders = new HashMap<>();
			for (Patient child : children(SearchParameterMap.newSynchronous().add(Patient.SP_IDENTIFIER, any))) {
				child.getIdentifier().stream()
						.filter(i -> IdentifierSystems.UPN.equals(i.getSystem()) && asked.contains(i.getValue()))
						.map(Identifier::getValue).distinct()
						.forEach(u -> holders.computeIfAbsent(u, k -> new ArrayList<>()).add(child));
			}
			batch.forEach(u -> pupils.put(u, pupilOf(u, holders.getOrDefault(u, List.of()))));
		}
	}

	private static Pupil pupilOf(String upn, List<Patient> found) {
		if (found.isEmpty()) {
			return new Pupil(null, "no child with UPN " + upn + " is known (import the pupil's CTF first)");
		}
		if (found.size() > 1) {
			// which records they are is not the school's to learn (one may be a child it has no relationship with)
			return new Pupil(null, found.size() + " children have UPN " + upn + ": ask the council's data steward "
					+ "to merge or correct them");
		}
		return new Pupil(found.get(0).getIdElement().getIdPart(), null);
	}

	/** The children holding {@code upn} as a current or former UPN, merged-away records left out. */
	public List<Patient> byUpn(String upn) {
		return children(SearchParameterMap.newSynchronous()
				.add(Patient.SP_IDENTIFIER, new TokenParam(IdentifierSystems.UPN, upn)));
	}

	private List<Patient> children(SearchParameterMap search) {
		return patients.search(search, request).getAllResources().stream()
				.map(Patient.class::cast)
				.filter(p -> p.getLink().stream().noneMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY))
				.toList();
	}

	private static <V> Map<String, V> lru() {
		return new LinkedHashMap<>(1024, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > REMEMBERED;
			}
		};
	}
}
