package uk.childlink.identity.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.identity.InvalidIdentifierException;
import uk.childlink.identity.NhsNumber;
import uk.childlink.identity.Uln;
import uk.childlink.identity.Upn;
import uk.childlink.platform.Primitives;

/**
 * The identity rules for a child's record: each known identifier is checked and normalised in place (NHS number
 * to its ten digits, UPN to upper case); a child holds at most one NHS number and at most one current UPN.
 * Identifiers of systems we do not own are left alone, except unknown systems under our own base.
 */
@Component
public class PatientIdentifierRules {

	private static final Set<String> VERIFICATION_CODES = Set.of("01", "02", "03", "04", "05", "06", "07", "08");
	private static final List<String> UNAVAILABLE_REASONS =
			List.of("nhs-number-not-known", "overseas-patient", "devolved-nation");
	private static final Pattern LA_NUMBER = Pattern.compile("\\d{3}");
	private static final String OUR_ID_BASE = "https://fhir.childlink.uk/Id/";
	private static final int MAX_LOCAL_ID_LENGTH = 64;

	/** Normalises the identifiers of {@code patient} in place and returns every rule they break. */
	public List<IdentifierProblem> normaliseAndCheck(Patient patient) {
		List<IdentifierProblem> problems = new ArrayList<>();
		Set<String> nhsNumbers = new HashSet<>();
		Set<String> currentUpns = new HashSet<>();
		List<Identifier> identifiers = patient.getIdentifier();
		for (int i = 0; i < identifiers.size(); i++) {
			Identifier identifier = identifiers.get(i);
			String path = "Patient.identifier[" + i + "]";
			String system = identifier.getSystem();
			if (system == null) {
				continue;
			}
			try {
				switch (system) {
					case IdentifierSystems.NHS_NUMBER -> {
						if (!Primitives.present(identifier.getValueElement())) {
							checkUnavailableReason(identifier, path, problems);
							continue;
						}
						NhsNumber nhs = NhsNumber.parse(identifier.getValue());
						identifier.setValue(nhs.value());
						nhsNumbers.add(nhs.value());
						checkVerificationStatus(identifier, path, problems);
					}
					case IdentifierSystems.UPN -> {
						Upn upn = Upn.parse(identifier.getValue());
						identifier.setValue(upn.value());
						if (identifier.getUse() != Identifier.IdentifierUse.OLD) {
							currentUpns.add(upn.value());
						}
						checkUpnStatus(identifier, upn, path, problems);
					}
					case IdentifierSystems.ULN -> identifier.setValue(Uln.parse(identifier.getValue()).value());
					default -> checkOtherSystem(identifier, path, problems);
				}
			} catch (InvalidIdentifierException e) {
				problems.add(new IdentifierProblem(path + ".value", e.getMessage()));
			}
		}
		if (nhsNumbers.size() > 1) {
			problems.add(new IdentifierProblem("Patient.identifier", "a child has one NHS number, but this record has "
					+ nhsNumbers.size() + ": " + String.join(", ", nhsNumbers)));
		}
		if (currentUpns.size() > 1) {
			problems.add(new IdentifierProblem("Patient.identifier", "a child has one current UPN, but this record has "
					+ currentUpns.size() + " (" + String.join(", ", currentUpns) + "); mark replaced ones use = old"));
		}
		return problems;
	}

	/** A child without an NHS number yet: the identifier has no value and says why (UK Core extension). */
	private static void checkUnavailableReason(Identifier identifier, String path, List<IdentifierProblem> problems) {
		Extension reason = identifier.getExtensionByUrl(IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_EXTENSION);
		String code = reason == null ? null : codeIn(reason, IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_SYSTEM);
		if (code == null || !UNAVAILABLE_REASONS.contains(code)) {
			problems.add(new IdentifierProblem(path + ".value", "NHS number is empty: give the number, or leave out "
					+ "the value and say why with the extension " + IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_EXTENSION
					+ " (codes " + String.join(", ", UNAVAILABLE_REASONS) + " from "
					+ IdentifierSystems.NHS_NUMBER_UNAVAILABLE_REASON_SYSTEM + ")"));
		}
	}

	private static void checkVerificationStatus(Identifier identifier, String path, List<IdentifierProblem> problems) {
		List<Extension> extensions = identifier.getExtension();
		for (int j = 0; j < extensions.size(); j++) {
			Extension ext = extensions.get(j);
			if (!IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_EXTENSION.equals(ext.getUrl())) {
				continue;
			}
			String code = codeIn(ext, IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_SYSTEM);
			if (code == null || !VERIFICATION_CODES.contains(code)) {
				problems.add(new IdentifierProblem(path + ".extension[" + j + "]", "NHS number verification status must be a "
						+ "code 01-08 from " + IdentifierSystems.NHS_NUMBER_VERIFICATION_STATUS_SYSTEM + ", not " + describe(ext)));
			}
		}
	}

	private static void checkUpnStatus(Identifier identifier, Upn upn, String path, List<IdentifierProblem> problems) {
		List<Extension> extensions = identifier.getExtension();
		for (int j = 0; j < extensions.size(); j++) {
			Extension ext = extensions.get(j);
			if (!IdentifierSystems.UPN_STATUS_EXTENSION.equals(ext.getUrl())) {
				continue;
			}
			String status = ext.getValue() instanceof CodeType code ? code.getValue() : null;
			String actual = upn.temporary() ? "temporary" : "permanent";
			if (!"permanent".equals(status) && !"temporary".equals(status)) {
				problems.add(new IdentifierProblem(path + ".extension[" + j + "]",
						"UPN status must be the code 'permanent' or 'temporary', not " + describe(ext)));
			} else if (!status.equals(actual)) {
				problems.add(new IdentifierProblem(path + ".extension[" + j + "]", "UPN " + upn + " is a " + actual
						+ " UPN (it ends in a " + (upn.temporary() ? "letter" : "digit") + ") but its status says " + status));
			}
		}
	}

	private static void checkOtherSystem(Identifier identifier, String path, List<IdentifierProblem> problems) {
		String system = identifier.getSystem();
		if (system.startsWith(IdentifierSystems.LA_CHILD_ID_PREFIX)) {
			String la = system.substring(IdentifierSystems.LA_CHILD_ID_PREFIX.length());
			if (!LA_NUMBER.matcher(la).matches()) {
				problems.add(new IdentifierProblem(path + ".system", "an LA child ID system ends in the council's "
						+ "3-digit LA number (e.g. " + IdentifierSystems.LA_CHILD_ID_PREFIX + "801), not '" + la + "'"));
			}
			String value = identifier.getValue();
			if (value == null || value.isBlank() || value.length() > MAX_LOCAL_ID_LENGTH
					|| value.chars().anyMatch(Character::isISOControl)) {
				problems.add(new IdentifierProblem(path + ".value",
						"an LA child ID is 1 to " + MAX_LOCAL_ID_LENGTH + " printable characters"));
			}
		} else if (system.startsWith(OUR_ID_BASE)) {
			problems.add(new IdentifierProblem(path + ".system", "unknown ChildLink identifier system " + system
					+ " (known: " + IdentifierSystems.UPN + ", " + IdentifierSystems.ULN + ", "
					+ IdentifierSystems.LA_CHILD_ID_PREFIX + "<LA number>)"));
		}
	}

	/** The code from {@code system} in an extension whose value is a CodeableConcept, or null. */
	private static String codeIn(Extension ext, String system) {
		return ext.getValue() instanceof CodeableConcept cc
				? cc.getCoding().stream().filter(c -> system.equals(c.getSystem())).map(Coding::getCode)
						.filter(Objects::nonNull).findFirst().orElse(null)
				: null;
	}

	private static String describe(Extension ext) {
		return ext.getValue() == null ? "nothing" : "'" + ext.getValue().primitiveValue() + "'";
	}
}
