package uk.childlink.access.authorisation;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.Caller;

/**
 * The policy for the links on a child's record that make relationships: {@code Patient.managingOrganization} (the
 * responsible authority) and {@code Patient.generalPractitioner} (the GP practice).
 */
final class CarerLinks {

	private CarerLinks() {}

	/**
	 * Why a change of these links is refused, or null when it is allowed: the responsible authority is handed over by
	 * the current one (or, when there is none, taken by a social-care organisation naming itself); an organisation
	 * adds or removes only itself as the child's GP practice. Otherwise a school could name itself the child's council
	 * and read her audit trail.
	 */
	static String refusal(Patient before, Patient after, Caller caller, Optional<String> orgId) {
		String own = orgId.map(id -> "Organization/" + id).orElse(null);
		String was = ref(before.getManagingOrganization());
		String now = ref(after.getManagingOrganization());
		if (!Objects.equals(was, now)) {
			boolean handOver = was != null && was.equals(own);
			boolean takeUp = was == null && now != null && now.equals(own) && "social-care".equals(caller.agency());
			if (!handOver && !takeUp) {
				return "Patient.managingOrganization (the child's responsible authority) is changed by that authority "
						+ "(or an admin); a social-care organisation may name itself where none is recorded";
			}
		}
		Set<String> gpsBefore = refs(before.getGeneralPractitioner());
		Set<String> gpsAfter = refs(after.getGeneralPractitioner());
		Set<String> changed = new HashSet<>(gpsBefore);
		changed.addAll(gpsAfter);
		Set<String> kept = new HashSet<>(gpsBefore);
		kept.retainAll(gpsAfter);
		changed.removeAll(kept);
		if (!changed.isEmpty() && !(changed.size() == 1 && changed.contains(own))) {
			return "Patient.generalPractitioner is changed by the practice itself (adding or removing itself) or an admin";
		}
		return null;
	}

	private static String ref(Reference reference) {
		return reference == null || reference.getReference() == null ? null
				: reference.getReferenceElement().toUnqualifiedVersionless().getValue();
	}

	private static Set<String> refs(List<Reference> references) {
		Set<String> out = new HashSet<>();
		references.forEach(r -> {
			String value = ref(r);
			if (value != null) {
				out.add(value);
			}
		});
		return out;
	}
}
