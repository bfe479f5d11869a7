package uk.childlink.schools.ctf;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.identity.ChildMatching;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.schools.imports.Directory;

/**
 * Finds the child's record for a CTF pupil: by UPN, then former UPN, then name, birth date and postcode; refuses when
 * the answer is not safe (two records, or a probable match holding another permanent UPN).
 */
final class PupilMatcher {

	private final Directory directory;
	private final ChildMatching matching;

	PupilMatcher(Directory directory, ChildMatching matching) {
		this.directory = directory;
		this.matching = matching;
	}

	/** The stored child, null for a new one, or why the pupil cannot be matched safely. */
	record Match(Patient child, String rejection) {}

	Match match(CtfPupil p, RequestDetails request, List<String> messages) {
		List<Patient> byUpn = directory.byUpn(p.upn());
		if (byUpn.size() == 1) {
			String id = byUpn.get(0).getIdElement().getIdPart();
			for (String former : p.formerUpns()) {
				List<Patient> others = directory.byUpn(former).stream()
						.filter(c -> !c.getIdElement().getIdPart().equals(id)).toList();
				if (!others.isEmpty()) {
					return new Match(null, "UPN " + p.upn() + " is Patient/" + id + "'s but the former UPN " + former
							+ " is held by " + ids(others) + ": the same child twice? Merge them first");
				}
			}
			return new Match(byUpn.get(0), null);
		}
		if (byUpn.size() > 1) {
			return new Match(null, "UPN " + p.upn() + " is held by " + ids(byUpn) + ": merge them first");
		}
		Set<String> seen = new LinkedHashSet<>();
		List<Patient> byFormer = new ArrayList<>();
		for (String former : p.formerUpns()) {
			for (Patient child : directory.byUpn(former)) {
				if (seen.add(child.getIdElement().getIdPart())) {
					byFormer.add(child);
				}
			}
		}
		if (byFormer.size() == 1) {
			messages.add("matched by former UPN");
			return new Match(byFormer.get(0), null);
		}
		if (byFormer.size() > 1) {
			return new Match(null, "the former UPNs are held by " + ids(byFormer) + ": merge them first");
		}
		Patient input = new Patient();
		input.addName().setFamily(p.surname()).addGiven(p.forename());
		input.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(p.birthDate().toString()));
		if (p.address() != null && p.address().postcode() != null) {
			input.addAddress().setPostalCode(p.address().postcode());
		}
		List<ChildMatching.Match> candidates = matching.candidates(input, 10, request);
		List<Patient> probable = candidates.stream().filter(c -> c.grade() == ChildMatching.Grade.PROBABLE)
				.map(ChildMatching.Match::child).toList();
		if (probable.size() > 1) {
			return new Match(null, "name and birth date match " + ids(probable) + ": add the UPN to the right record "
					+ "(or merge them), then import again");
		}
		if (probable.size() == 1) {
			Patient child = probable.get(0);
			String otherUpn = child.getIdentifier().stream()
					.filter(i -> IdentifierSystems.UPN.equals(i.getSystem()) && i.getUse() != Identifier.IdentifierUse.OLD)
					.map(Identifier::getValue)
					.filter(v -> v != null && Character.isDigit(v.charAt(12)))
					.findFirst().orElse(null);
			if (otherUpn != null) {
				return new Match(null, "Patient/" + child.getIdElement().getIdPart() + " has the same name and birth "
						+ "date but the permanent UPN " + otherUpn + ": if it is this child, the CTF should give that "
						+ "UPN as a former UPN");
			}
			messages.add("matched by name and birth date" + (p.address() != null ? " (and postcode)" : ""));
			return new Match(child, null);
		}
		candidates.stream().filter(c -> c.grade() == ChildMatching.Grade.POSSIBLE).forEach(c -> messages.add(
				"possibly the same child as Patient/" + c.child().getIdElement().getIdPart()
						+ " (some demographics agree): check, and merge if so"));
		return new Match(null, null);
	}

	private static String ids(List<Patient> children) {
		return String.join(", ", children.stream().map(c -> "Patient/" + c.getIdElement().getIdPart()).toList());
	}
}
