package uk.childlink.identity.match;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Service;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.NhsNumber;
import uk.childlink.identity.Upn;

/**
 * Finds the stored children a submitted Patient may be. An NHS number or a UPN (current or former) that matches is
 * certain. Otherwise candidates share the birth date or the family name, and are scored on family name (0.3),
 * given name (0.2), birth date (0.3) and postcode (0.2): 0.8 or more is probable (names and birth date agree),
 * 0.5 or more possible. Records merged into another (inactive, linked replaced-by) are never offered.
 */
@Service
public class PatientMatcher {

	public enum Grade {
		CERTAIN("certain"), PROBABLE("probable"), POSSIBLE("possible");

		public final String code;

		Grade(String code) {
			this.code = code;
		}
	}

	public record Candidate(Patient patient, double score, Grade grade) {}

	static final double PROBABLE = 0.8;
	static final double POSSIBLE = 0.5;
	private static final int MAX_CANDIDATES = 200;

	private final IFhirResourceDao<Patient> patients;

	PatientMatcher(IFhirResourceDao<Patient> patients) {
		this.patients = patients;
	}

	/** Candidates, best first, at most {@code count}; only certain ones when {@code onlyCertain}. */
	public List<Candidate> match(Patient input, boolean onlyCertain, int count, RequestDetails request) {
		Map<String, Candidate> byId = new LinkedHashMap<>();
		for (Patient p : identifierMatches(input, request)) {
			byId.put(id(p), new Candidate(p, 1.0, Grade.CERTAIN));
		}
		if (!onlyCertain) {
			for (Patient p : demographicCandidates(input, request)) {
				double score = score(input, p);
				Grade grade = score >= PROBABLE ? Grade.PROBABLE : score >= POSSIBLE ? Grade.POSSIBLE : null;
				if (grade != null) {
					byId.putIfAbsent(id(p), new Candidate(p, score, grade));
				}
			}
		}
		return byId.values().stream()
				.filter(c -> !isMergedAway(c.patient()))
				.sorted(Comparator.comparingDouble(Candidate::score).reversed())
				.limit(count)
				.toList();
	}

	/** Whether {@code input} has anything to match on. */
	public static boolean hasMatchableData(Patient input) {
		boolean identifier = input.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
		return identifier || (input.hasBirthDate() && input.hasName()) || hasFamily(input);
	}

	private List<Patient> identifierMatches(Patient input, RequestDetails request) {
		List<Patient> found = new ArrayList<>();
		for (Identifier identifier : input.getIdentifier()) {
			String system = identifier.getSystem();
			String value = identifier.getValue();
			if (IdentifierSystems.NHS_NUMBER.equals(system) && NhsNumber.isValid(value)) {
				found.addAll(search(request, "nhs-number", new TokenParam(NhsNumber.parse(value).value())));
			} else if (IdentifierSystems.UPN.equals(system) && Upn.isValid(value)) {
				found.addAll(search(request, "identifier", new TokenParam(IdentifierSystems.UPN, Upn.parse(value).value())));
			}
		}
		return found;
	}

	private List<Patient> demographicCandidates(Patient input, RequestDetails request) {
		List<Patient> found = new ArrayList<>();
		if (input.hasBirthDate()) {
			found.addAll(search(request, "birthdate", new DateParam(input.getBirthDateElement().getValueAsString())));
		}
		if (hasFamily(input)) {
			found.addAll(search(request, "family", new StringParam(input.getNameFirstRep().getFamily(), true)));
		}
		return found;
	}

	private List<Patient> search(RequestDetails request, String param, ca.uhn.fhir.model.api.IQueryParameterType value) {
		SearchParameterMap map = SearchParameterMap.newSynchronous(param, value).setCount(MAX_CANDIDATES);
		IBundleProvider result = patients.search(map, request);
		List<Patient> list = new ArrayList<>();
		for (IBaseResource r : result.getResources(0, MAX_CANDIDATES)) {
			list.add((Patient) r);
		}
		return list;
	}

	static double score(Patient input, Patient stored) {
		double score = 0;
		if (hasFamily(input) && sameText(input.getNameFirstRep().getFamily(), familyNames(stored))) {
			score += 0.3;
		}
		if (hasGiven(input) && sameText(input.getNameFirstRep().getGiven().get(0).getValue(), givenNames(stored))) {
			score += 0.2;
		}
		if (input.hasBirthDate() && stored.hasBirthDate()
				&& input.getBirthDateElement().getValueAsString().equals(stored.getBirthDateElement().getValueAsString())) {
			score += 0.3;
		}
		String postcode = postcode(input);
		if (postcode != null && stored.getAddress().stream().map(PatientMatcher::normalisePostcode).anyMatch(postcode::equals)) {
			score += 0.2;
		}
		return Math.round(score * 100) / 100.0;
	}

	private static boolean isMergedAway(Patient p) {
		return !p.getActive() && p.hasActive()
				&& p.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
	}

	private static boolean hasFamily(Patient p) {
		return p.hasName() && p.getNameFirstRep().hasFamily();
	}

	private static boolean hasGiven(Patient p) {
		return p.hasName() && p.getNameFirstRep().hasGiven();
	}

	private static List<String> familyNames(Patient p) {
		return p.getName().stream().map(HumanName::getFamily).filter(f -> f != null).toList();
	}

	private static List<String> givenNames(Patient p) {
		return p.getName().stream().flatMap(n -> n.getGiven().stream()).map(g -> g.getValue()).filter(g -> g != null).toList();
	}

	private static boolean sameText(String wanted, List<String> candidates) {
		String w = normaliseName(wanted);
		return candidates.stream().map(PatientMatcher::normaliseName).anyMatch(w::equals);
	}

	/** Case, accents, spaces, hyphens and apostrophes do not make a different name: O'Brien = obrien, Zoë = Zoe. */
	static String normaliseName(String name) {
		String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD);
		return decomposed.replaceAll("\\p{M}", "").replaceAll("[\\s'’\\-.]", "").toLowerCase(Locale.ROOT);
	}

	private static String postcode(Patient p) {
		return p.getAddress().stream().map(PatientMatcher::normalisePostcode).filter(pc -> pc != null).findFirst().orElse(null);
	}

	private static String normalisePostcode(Address address) {
		return address.hasPostalCode() ? address.getPostalCode().replaceAll("\\s", "").toUpperCase(Locale.ROOT) : null;
	}

	private static String id(Patient p) {
		return p.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
