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
import uk.childlink.identity.ChildMatching;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.NhsNumber;
import uk.childlink.identity.Upn;
import uk.childlink.platform.Primitives;

/**
 * Finds the stored children a submitted Patient may be. An NHS number or a UPN (current or former) that matches is
 * certain. Otherwise candidates share two of birth date, family name and given name (found with HAPI's name search,
 * which ignores case and accents and matches the start of a name), and are graded on what agrees (names compared
 * without case, accents, spaces, hyphens or apostrophes): family, given name and birth date is probable; birth date
 * and one name, or both names and the postcode, is possible. The score (family 0.3, given 0.2, birth date 0.3,
 * postcode 0.2) orders them. Records merged into another (inactive, linked replaced-by) are never offered.
 */
@Service
public class PatientMatcher implements ChildMatching {

	public enum Grade {
		CERTAIN("certain"), PROBABLE("probable"), POSSIBLE("possible");

		public final String code;

		Grade(String code) {
			this.code = code;
		}
	}

	public record Candidate(Patient patient, double score, Grade grade) {}

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
				Agreement agreement = Agreement.of(input, p);
				if (agreement.grade() != null) {
					byId.putIfAbsent(id(p), new Candidate(p, agreement.score(), agreement.grade()));
				}
			}
		}
		return byId.values().stream()
				.filter(c -> !isMergedAway(c.patient()))
				.sorted(Comparator.comparingDouble(Candidate::score).reversed())
				.limit(count)
				.toList();
	}

	@Override
	public List<ChildMatching.Match> candidates(Patient input, int count, RequestDetails request) {
		return match(input, false, count, request).stream()
				.map(c -> new ChildMatching.Match(c.patient(), ChildMatching.Grade.valueOf(c.grade().name())))
				.toList();
	}

	/** Whether {@code input} has anything to match on. */
	public static boolean hasMatchableData(Patient input) {
		boolean identifier = input.getIdentifier().stream().anyMatch(i -> Primitives.present(i.getSystemElement())
				&& Primitives.present(i.getValueElement()));
		int demographics = (hasBirthDate(input) ? 1 : 0) + (hasFamily(input) ? 1 : 0) + (hasGiven(input) ? 1 : 0);
		return identifier || demographics >= 2;
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

	/** Children sharing two of birth date, family name and given name with {@code input}. */
	private List<Patient> demographicCandidates(Patient input, RequestDetails request) {
		DateParam birth = hasBirthDate(input) ? new DateParam(input.getBirthDateElement().getValueAsString()) : null;
		StringParam family = hasFamily(input) ? new StringParam(input.getNameFirstRep().getFamily()) : null;
		StringParam given = hasGiven(input) ? new StringParam(input.getNameFirstRep().getGiven().get(0).getValue()) : null;
		List<Patient> found = new ArrayList<>();
		if (birth != null && family != null) {
			found.addAll(search(request, new SearchParameterMap().add("birthdate", birth).add("family", family)));
		}
		if (birth != null && given != null) {
			found.addAll(search(request, new SearchParameterMap().add("birthdate", birth).add("given", given)));
		}
		if (family != null && given != null) {
			found.addAll(search(request, new SearchParameterMap().add("family", family).add("given", given)));
		}
		return found;
	}

	private List<Patient> search(RequestDetails request, String param, ca.uhn.fhir.model.api.IQueryParameterType value) {
		return search(request, new SearchParameterMap().add(param, value));
	}

	private List<Patient> search(RequestDetails request, SearchParameterMap map) {
		map.setLoadSynchronous(true);
		map.setCount(MAX_CANDIDATES);
		IBundleProvider result = patients.search(map, request);
		List<Patient> list = new ArrayList<>();
		for (IBaseResource r : result.getResources(0, MAX_CANDIDATES)) {
			list.add((Patient) r);
		}
		return list;
	}

	/** What agrees between a submitted Patient and a stored one, and the grade and score that gives. */
	record Agreement(boolean family, boolean given, boolean birthDate, boolean postcode) {

		static Agreement of(Patient input, Patient stored) {
			String postcode = PatientMatcher.postcode(input);
			return new Agreement(
					hasFamily(input) && sameText(input.getNameFirstRep().getFamily(), familyNames(stored)),
					hasGiven(input) && sameText(input.getNameFirstRep().getGiven().get(0).getValue(), givenNames(stored)),
					hasBirthDate(input) && hasBirthDate(stored)
							&& input.getBirthDateElement().getValueAsString().equals(stored.getBirthDateElement().getValueAsString()),
					postcode != null && stored.getAddress().stream().map(PatientMatcher::normalisePostcode).anyMatch(postcode::equals));
		}

		Grade grade() {
			if (family && given && birthDate) {
				return Grade.PROBABLE;
			}
			if ((birthDate && (family || given)) || (family && given && postcode)) {
				return Grade.POSSIBLE;
			}
			return null;
		}

		double score() {
			double score = (family ? 0.3 : 0) + (given ? 0.2 : 0) + (birthDate ? 0.3 : 0) + (postcode ? 0.2 : 0);
			return Math.round(score * 100) / 100.0;
		}
	}

	private static boolean isMergedAway(Patient p) {
		return Primitives.isFalse(p.getActiveElement())
				&& p.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
	}

	/** A birth date with a value (the element may carry only an extension, such as a data-absent reason). */
	private static boolean hasBirthDate(Patient p) {
		return p.getBirthDateElement().getValue() != null;
	}

	private static boolean hasFamily(Patient p) {
		return p.hasName() && p.getNameFirstRep().getFamily() != null && !p.getNameFirstRep().getFamily().isBlank();
	}

	/** The first given name has a value (a name element may carry only an extension). */
	private static boolean hasGiven(Patient p) {
		return p.hasName() && p.getNameFirstRep().hasGiven() && p.getNameFirstRep().getGiven().get(0).getValue() != null
				&& !p.getNameFirstRep().getGiven().get(0).getValue().isBlank();
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

	static String postcode(Patient p) {
		return p.getAddress().stream().map(PatientMatcher::normalisePostcode).filter(pc -> pc != null).findFirst().orElse(null);
	}

	private static String normalisePostcode(Address address) {
		String postcode = address.getPostalCode();
		return postcode == null ? null : postcode.replaceAll("\\s", "").toUpperCase(Locale.ROOT);
	}

	private static String id(Patient p) {
		return p.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
