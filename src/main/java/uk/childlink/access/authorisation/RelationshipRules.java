package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamDate;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The relationships of {@code access/policy.json}, read the other way round: each is written as the search that finds
 * whether an organisation has it with a child ({@code Observation?subject={child}&performer={organisation}&date=ge{since}}),
 * and here it tells, from one record, which children and organisations it relates and until when. A relationship with
 * a {@code {since}} parameter lasts from the record's date for the policy's recent period (the search's
 * {@code date=ge{since}} holds exactly while {@code date + period >= today}); one without lasts while the record says
 * so. The parts of a search that name neither the child, the organisation nor the date ({@code status=active}) are
 * conditions the record must meet.
 */
final class RelationshipRules {

	/** One relationship between a child and an organisation, by one rule, until a day (null: no end date). */
	record Tie(String child, String organisation, String rule, LocalDate validUntil) {}

	/** A relationship of the policy, parsed. */
	record Rule(String name, String resourceType, String childParam, String organisationParam, String sinceParam,
			String conditions) {

		/** The relationship is about the resource itself ({@code Patient?_id={childId}...}). */
		boolean isTheChild() {
			return childParam.equals("_id");
		}
	}

	private final List<Rule> rules = new ArrayList<>();
	private final Period recentPeriod;
	private final FhirContext fhir;
	private final ISearchParamRegistry searchParams;
	private final ISearchParamExtractor extractor;
	private final SearchParamMatcher matcher;
	private final MatchUrlService matchUrls;

	RelationshipRules(AccessPolicy policy, FhirContext fhir, ISearchParamRegistry searchParams,
			ISearchParamExtractor extractor, SearchParamMatcher matcher, MatchUrlService matchUrls) {
		this.recentPeriod = policy.recentPeriod();
		this.fhir = fhir;
		this.searchParams = searchParams;
		this.extractor = extractor;
		this.matcher = matcher;
		this.matchUrls = matchUrls;
		for (AccessPolicy.Relationship relationship : policy.relationships()) {
			rules.add(parse(relationship));
		}
	}

	private Rule parse(AccessPolicy.Relationship relationship) {
		String search = relationship.search();
		String type = search.substring(0, search.indexOf('?'));
		String child = null;
		String organisation = null;
		String since = null;
		List<String> conditions = new ArrayList<>();
		for (String part : search.substring(search.indexOf('?') + 1).split("&")) {
			String name = part.substring(0, part.indexOf('='));
			String value = part.substring(part.indexOf('=') + 1);
			if (value.contains("{child")) {
				child = name;
			} else if (value.equals("{organisation}")) {
				organisation = name;
			} else if (value.contains("{since}")) {
				since = name;
			} else {
				conditions.add(part);
			}
		}
		if (child == null || organisation == null) {
			throw new IllegalStateException(AccessPolicy.LOCATION + ": relationship " + relationship.name()
					+ " must name the child and the organisation each in a parameter of its own");
		}
		if (child.equals("_id") && !type.equals("Patient")) {
			throw new IllegalStateException(AccessPolicy.LOCATION + ": relationship " + relationship.name()
					+ " names the child by _id, which only a Patient search can");
		}
		return new Rule(relationship.name(), type, child, organisation, since, String.join("&", conditions));
	}

	List<Rule> rules() {
		return rules;
	}

	List<Rule> forType(String resourceType) {
		return rules.stream().filter(r -> r.resourceType().equals(resourceType)).toList();
	}

	/** Checks each rule's parameters against the search parameters the server has, at start. */
	void check() {
		for (Rule rule : rules) {
			for (String param : new String[] {rule.childParam(), rule.organisationParam(), rule.sinceParam()}) {
				if (param != null && !param.equals("_id") && param(rule, param) == null) {
					throw new IllegalStateException(AccessPolicy.LOCATION + ": relationship " + rule.name() + " uses "
							+ rule.resourceType() + "." + param + ", which is not a search parameter of the server");
				}
			}
		}
	}

	/**
	 * The relationships one record makes, by every rule for its type. {@code organisationByIdentifier} finds the
	 * registered Organization a reference names by identifier only (a GP practice by ODS code), if there is one.
	 */
	List<Tie> ties(IBaseResource resource, Function<Identifier, Optional<String>> organisationByIdentifier) {
		List<Tie> ties = new ArrayList<>();
		for (Rule rule : forType(fhir.getResourceType(resource))) {
			ties.addAll(ties(rule, resource, organisationByIdentifier));
		}
		return ties;
	}

	List<Tie> ties(Rule rule, IBaseResource resource, Function<Identifier, Optional<String>> organisationByIdentifier) {
		Set<String> children = children(rule, resource);
		if (children.isEmpty()) {
			return List.of();
		}
		if (!rule.conditions().isEmpty()
				&& !matcher.match(rule.resourceType() + "?" + rule.conditions(), resource, new SystemRequestDetails())
						.matched()) {
			return List.of();
		}
		LocalDate validUntil = null;
		if (rule.sinceParam() != null) {
			LocalDate last = lastDay(rule, resource);
			if (last == null) {
				return List.of(); // undated: the search's date=ge{since} would never find it
			}
			validUntil = last.equals(LocalDate.MAX) ? null : last.plus(recentPeriod);
		}
		List<Tie> ties = new ArrayList<>();
		for (String organisation : organisations(rule, resource, organisationByIdentifier)) {
			for (String child : children) {
				ties.add(new Tie(child, organisation, rule.name(), validUntil));
			}
		}
		return ties;
	}

	/** The children (Patient ids) the record relates by this rule. */
	Set<String> children(Rule rule, IBaseResource resource) {
		Set<String> children = new LinkedHashSet<>();
		if (rule.isTheChild()) {
			IIdType id = resource.getIdElement();
			if (id != null && id.hasIdPart()) {
				children.add(id.getIdPart());
			}
			return children;
		}
		for (IIdType reference : references(rule, rule.childParam(), resource)) {
			if ("Patient".equals(reference.getResourceType()) && reference.hasIdPart() && !reference.isAbsolute()) {
				children.add(reference.getIdPart());
			}
		}
		return children;
	}

	/** A search for every record of the child this rule reads (whatever its organisation and date). */
	SearchParameterMap everyRecordOf(Rule rule, String child) {
		SearchParameterMap search = rule.conditions().isEmpty() ? SearchParameterMap.newSynchronous()
				: matchUrls.translateMatchUrl(rule.resourceType() + "?" + rule.conditions(),
						fhir.getResourceDefinition(rule.resourceType()));
		search.setLoadSynchronous(true);
		if (rule.isTheChild()) {
			search.add("_id", new ca.uhn.fhir.rest.param.TokenParam(child));
		} else {
			search.add(rule.childParam(), new ReferenceParam("Patient/" + child));
		}
		return search;
	}

	private Set<String> organisations(Rule rule, IBaseResource resource,
			Function<Identifier, Optional<String>> organisationByIdentifier) {
		Set<String> organisations = new LinkedHashSet<>();
		for (IBase value : extractor.extractValues(path(rule, rule.organisationParam()), resource)) {
			if (!(value instanceof Reference reference)) {
				continue;
			}
			IIdType target = reference.getReferenceElement();
			if (reference.getReference() != null) {
				if ("Organization".equals(target.getResourceType()) && target.hasIdPart() && !target.isAbsolute()) {
					organisations.add(target.getIdPart());
				}
			} else if (reference.hasIdentifier() && reference.getIdentifier().getSystem() != null
					&& reference.getIdentifier().getValue() != null) {
				organisationByIdentifier.apply(reference.getIdentifier()).ifPresent(organisations::add);
			}
		}
		return organisations;
	}

	private List<IIdType> references(Rule rule, String param, IBaseResource resource) {
		List<IIdType> references = new ArrayList<>();
		for (IBase value : extractor.extractValues(path(rule, param), resource)) {
			if (value instanceof IBaseReference reference && reference.getReferenceElement().getValue() != null) {
				references.add(reference.getReferenceElement());
			}
		}
		return references;
	}

	/**
	 * The last day the record's date (the {@code {since}} parameter's value) reaches, as HAPI indexes it;
	 * {@link LocalDate#MAX} for a period that has not ended.
	 */
	private LocalDate lastDay(Rule rule, IBaseResource resource) {
		Integer last = null;
		for (ResourceIndexedSearchParamDate date : extractor.extractSearchParamDates(resource)) {
			if (date.getParamName().equals(rule.sinceParam()) && date.getValueHighDateOrdinal() != null) {
				last = last == null ? date.getValueHighDateOrdinal() : Math.max(last, date.getValueHighDateOrdinal());
			}
		}
		if (last == null) {
			return null;
		}
		// a period without an end is indexed as ending at HAPI's end of time (the year 10000): it has not ended
		return last >= 99_991_231 ? LocalDate.MAX : LocalDate.of(last / 10_000, last / 100 % 100, last % 100);
	}

	private final Map<String, String> paths = new ConcurrentHashMap<>(); // asked by every write, from many threads

	private String path(Rule rule, String param) {
		return paths.computeIfAbsent(rule.resourceType() + "." + param, key -> {
			RuntimeSearchParam definition = param(rule, param);
			if (definition == null) {
				throw new IllegalStateException("no search parameter " + key);
			}
			return definition.getPath();
		});
	}

	private RuntimeSearchParam param(Rule rule, String param) {
		return searchParams.getActiveSearchParam(rule.resourceType(), param,
				ISearchParamRegistry.SearchParamLookupContextEnum.ALL);
	}

	/** The rules by name, in policy order (for messages and the reconciliation). */
	Map<String, Rule> byName() {
		Map<String, Rule> byName = new LinkedHashMap<>();
		rules.forEach(rule -> byName.put(rule.name(), rule));
		return byName;
	}
}
