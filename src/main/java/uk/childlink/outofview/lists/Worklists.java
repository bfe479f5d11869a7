package uk.childlink.outofview.lists;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import uk.childlink.access.Caller;
import uk.childlink.access.RelatedOrganisations;

/**
 * What the worklist operations share: whose list it is (the caller's own organisation; an admin names one), the
 * paging parameters ({@code _count} 1 to 500, {@code _offset}), and the searchset page with its links.
 */
final class Worklists {

	/** On each entry's {@code search}: why the child is on the list, and since when. */
	static final String REASON = "https://fhir.childlink.uk/StructureDefinition/out-of-view-reason";
	static final String SINCE = "https://fhir.childlink.uk/StructureDefinition/out-of-view-since";
	static final int DEFAULT_COUNT = 50;
	static final int MAX_COUNT = 500;

	private Worklists() {}

	/** Whose list ({@code Organization} id) and which page of it: {@code size} entries from {@code from}. */
	record Paging(String organisation, int size, int from) {

		/** The page's part of the whole list. */
		<T> List<T> slice(List<T> all) {
			return all.subList(Math.min(from, all.size()), Math.min(from + size, all.size()));
		}
	}

	/** The parameters every list takes: whose list ({@code organization}), {@code _count} and {@code _offset}. */
	static Paging paging(String operation, StringType organization, IntegerType count, IntegerType offset,
			RequestDetails request, RelatedOrganisations related) {
		return new Paging(organisation(operation, organization, request, related),
				number(operation, "_count", count, DEFAULT_COUNT, 1, MAX_COUNT),
				number(operation, "_offset", offset, 0, 0, MAX_OFFSET));
	}

	/** The list's organisation id: the caller's own, or (for an admin) the one named in {@code organization}. */
	static String organisation(String operation, StringType organization, RequestDetails request,
			RelatedOrganisations related) {
		Optional<Caller> caller = Caller.of(request);
		String named = organization == null || organization.getValue() == null ? null
				: organization.getValue().trim().replaceFirst("^Organization/", "");
		if (named != null && !named.matches("[A-Za-z0-9\\-.]{1,64}")) {
			throw new InvalidRequestException(operation + ": organization must be Organization/{id}, found '"
					+ organization.getValue() + "'");
		}
		if (caller.isEmpty() || caller.get().isAdmin()) {
			if (named == null) {
				throw new InvalidRequestException(operation + ": name the organisation, organization=Organization/{id}");
			}
			return named;
		}
		String own = related.organisationOf(caller.get()).orElseThrow(() -> new ForbiddenOperationException(operation
				+ ": your token's organisation (" + caller.get().organisationText() + ") is not registered here"));
		if (named != null && !named.equals(own)) {
			throw new ForbiddenOperationException(operation + " lists your own organisation's children only (Organization/"
					+ own + ")");
		}
		return own;
	}

	/** The furthest {@code _offset}: as the request checks allow, and far from overflowing with a page added. */
	static final int MAX_OFFSET = 999_999_999;

	/**
	 * Which children the caller may be shown: any for an admin, else those its organisation is related to. Applied
	 * before a page is built: HAPI's consent check, the second line, would empty a hidden child's entry but leave the
	 * entry itself (its id and why it is listed).
	 */
	static Predicate<String> visibleTo(RequestDetails request, RelatedOrganisations related) {
		Optional<Caller> caller = Caller.of(request);
		if (caller.isEmpty() || caller.get().isAdmin()) {
			return child -> true;
		}
		Optional<String> organisation = related.organisationOf(caller.get());
		return child -> organisation.isPresent() && related.holds(child, organisation.get());
	}

	/**
	 * The records of a page's children, by id, leaving out a child hidden from the caller (a relationship just ended),
	 * as the consent check would.
	 */
	static Map<String, Patient> records(List<String> childIds, RequestDetails request, RelatedOrganisations related,
			ChildRecords records) {
		return records.byId(childIds.stream().filter(visibleTo(request, related)).toList());
	}

	/** A whole-number parameter from {@code min} to {@code max}, {@code otherwise} when absent. */
	static int number(String operation, String name, IntegerType value, int otherwise, int min, int max) {
		if (value == null || value.getValue() == null) {
			return otherwise;
		}
		if (value.getValue() < min || value.getValue() > max) {
			throw new InvalidRequestException(operation + ": " + name + " must be from " + min + " to " + max
					+ ", found " + value.getValue());
		}
		return value.getValue();
	}

	/**
	 * An empty searchset page of {@code size} entries from {@code from} of a list of {@code total}, with its links
	 * ({@code parameters}: the operation's own, {@code &name=value...}, carried by every link).
	 */
	static Bundle page(RequestDetails request, String operation, Paging paging, String parameters, int total) {
		String organisation = paging.organisation();
		int from = paging.from();
		int size = paging.size();
		Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		String self = request.getFhirServerBase() + "/Patient/" + operation + "?organization=Organization/"
				+ organisation + parameters + "&_count=" + size;
		bundle.addLink().setRelation("self").setUrl(self + "&_offset=" + from);
		if (from + size < total) {
			bundle.addLink().setRelation("next").setUrl(self + "&_offset=" + (from + size));
		}
		if (from > 0) {
			bundle.addLink().setRelation("previous").setUrl(self + "&_offset=" + Math.max(0, from - size));
		}
		return bundle;
	}

	/**
	 * Adds the child to the page; its {@code search} carries why. The list is the organisation's own children by
	 * construction; HAPI's consent check then applies the access rules to each entry on the way out, as to any answer
	 * (and, as for any answer it checks, leaves no Bundle.total).
	 */
	static Bundle.BundleEntrySearchComponent add(Bundle page, RequestDetails request, Patient child) {
		return page.addEntry().setFullUrl(request.getFhirServerBase() + "/Patient/" + child.getIdElement().getIdPart())
				.setResource(child).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
	}
}
