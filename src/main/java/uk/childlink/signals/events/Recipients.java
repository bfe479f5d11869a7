package uk.childlink.signals.events;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.RelatedOrganisations;

/**
 * Who hears a signal: the organisations its topic's recipients name (each found by a search of the child's record, or
 * from the move itself), of which only those the access rules let see the child now.
 */
final class Recipients {

	private final SignalPolicy policy;
	private final FhirContext fhir;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;
	private final RelatedOrganisations related;

	Recipients(SignalPolicy policy, FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls,
			RelatedOrganisations related) {
		this.policy = policy;
		this.fhir = fhir;
		this.daos = daos;
		this.matchUrls = matchUrls;
		this.related = related;
	}

	/** The organisations ({@code Organization/<id>}) that hear the signal, in the topic's order of recipients. */
	Set<String> of(SignalPolicy.Topic topic, Signal signal, LocalDate today) {
		Set<String> organisations = new LinkedHashSet<>();
		for (String name : topic.recipients()) {
			switch (name) {
				case "previous-organisation" -> add(organisations, signal.previousOrg());
				case "new-organisation" -> add(organisations, signal.newOrg());
				default -> found(policy.recipient(name), signal, today).forEach(org -> add(organisations, org));
			}
		}
		organisations.removeIf(org -> !related.holds(signal.childId(), org.substring("Organization/".length())));
		return organisations;
	}

	/** Whether the search of the child's record (a topic's {@code unlessFound}) finds anything. */
	boolean anyFound(String searchOfTheChild, Signal signal, LocalDate today) {
		SearchParameterMap search = search(searchOfTheChild, signal, today);
		search.setLoadSynchronousUpTo(1);
		return !dao(searchOfTheChild).searchForResources(search, new SystemRequestDetails()).isEmpty();
	}

	private List<String> found(SignalPolicy.Recipient recipient, Signal signal, LocalDate today) {
		SearchParameterMap search = search(recipient.search(), signal, today);
		if (recipient.latestBy() != null) {
			search.setSort(new SortSpec(recipient.latestBy(), SortOrderEnum.DESC));
			search.setLoadSynchronousUpTo(1);
		}
		List<String> organisations = new ArrayList<>();
		for (IBaseResource resource : dao(recipient.search()).searchForResources(search, new SystemRequestDetails())) {
			for (Reference ref : fhir.newTerser().getValues(resource, recipient.organisation(), Reference.class)) {
				organisations.add(ref.getReferenceElement().toUnqualifiedVersionless().getValue());
			}
		}
		return organisations;
	}

	private SearchParameterMap search(String template, Signal signal, LocalDate today) {
		String url = template.replace("{childId}", signal.childId()).replace("{child}", signal.child())
				.replace("{since}", today.minus(policy.recentPeriod()).toString());
		SearchParameterMap search = matchUrls.translateMatchUrl(url, fhir.getResourceDefinition(type(url)));
		search.setLoadSynchronous(true);
		return search;
	}

	private IFhirResourceDao<?> dao(String url) {
		return daos.getResourceDao(type(url));
	}

	private static String type(String url) {
		return url.substring(0, url.indexOf('?'));
	}

	private static void add(Set<String> organisations, String org) {
		if (org != null && org.startsWith("Organization/") && !org.contains("://")) {
			organisations.add(org);
		}
	}
}
