package uk.childlink.outofview.lists;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.LocalDate;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.platform.Primitives;

/**
 * {@code GET /fhir/Patient/{id}/$household}: the child's siblings and the other children living in the same household
 * (current members with the child of a household Group, profile {@code household}), each entry naming the household
 * it comes from (OperationDefinition {@link #CANONICAL}). Asked of a child the caller may see (any other is not known
 * to them, like a read); of the other children, only those the caller's organisation is related to are listed (HAPI's
 * consent check, which would leave an empty entry naming the household, is the second line).
 */
final class HouseholdOperation {

	static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/household";
	static final String NAME = "$household";
	static final String HOUSEHOLD_CODES = "https://fhir.childlink.uk/CodeSystem/group-type";
	/** On each entry's {@code search}: the household Group the child shares with the one asked about. */
	static final String HOUSEHOLD = "https://fhir.childlink.uk/StructureDefinition/household-group";

	private final IFhirResourceDao<Group> groups;
	private final ChildRecords records;
	private final RelatedOrganisations related;
	private final Clock clock;

	HouseholdOperation(IFhirResourceDao<Group> groups, ChildRecords records, RelatedOrganisations related, Clock clock) {
		this.groups = groups;
		this.records = records;
		this.related = related;
		this.clock = clock;
	}

	@Operation(name = NAME, type = Patient.class, idempotent = true, canonicalUrl = CANONICAL)
	public Bundle household(@IdParam IdType child, RequestDetails request) {
		String asked = "Patient/" + child.getIdPart();
		LocalDate today = LocalDate.now(clock);
		if (records.byId(List.of(child.getIdPart())).isEmpty()) {
			throw new ResourceNotFoundException(asked + " is not known");
		}

		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Group.SP_MEMBER, new ReferenceParam(asked))
				.add(Group.SP_CODE, new TokenParam(HOUSEHOLD_CODES, "household"));
		Map<String, String> others = new LinkedHashMap<>(); // child id -> the household it shares
		for (var found : groups.searchForResources(search, new SystemRequestDetails())) {
			Group household = (Group) found;
			if (Primitives.isFalse(household.getActiveElement())
					|| household.getMember().stream().noneMatch(m -> current(m, today) && asked.equals(ref(m)))) {
				continue; // a household no longer recorded as one, or one the child has left
			}
			for (Group.GroupMemberComponent member : household.getMember()) {
				String other = ref(member);
				if (current(member, today) && other != null && other.startsWith("Patient/") && !asked.equals(other)) {
					others.putIfAbsent(other.substring("Patient/".length()),
							"Group/" + household.getIdElement().getIdPart());
				}
			}
		}

		others.keySet().removeIf(Worklists.visibleTo(request, related).negate());
		Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		bundle.addLink().setRelation("self").setUrl(request.getFhirServerBase() + "/" + asked + "/" + NAME);
		Map<String, Patient> children = records.byId(List.copyOf(others.keySet()));
		others.forEach((id, group) -> {
			Patient other = children.get(id);
			if (other != null && !Boolean.FALSE.equals(other.getActiveElement().getValue())) {
				Worklists.add(bundle, request, other).addExtension(HOUSEHOLD, new Reference(group));
			}
		});
		return bundle;
	}

	/** A member now: not inactive, and its period (if any) has begun and not ended. */
	private static boolean current(Group.GroupMemberComponent member, LocalDate today) {
		if (Primitives.isTrue(member.getInactiveElement())) {
			return false;
		}
		LocalDate start = Primitives.day(member.getPeriod().getStartElement());
		LocalDate end = Primitives.day(member.getPeriod().getEndElement());
		return (start == null || !start.isAfter(today)) && (end == null || !end.isBefore(today));
	}

	private static String ref(Group.GroupMemberComponent member) {
		return member.getEntity().getReferenceElement().toUnqualifiedVersionless().getValue();
	}
}
