package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import uk.childlink.access.Caller;
import uk.childlink.platform.Pipeline;

/**
 * Narrows every search of a child's records to the children the caller's organisation has a relationship with,
 * inside the SQL HAPI runs, before it runs: a parameter is added that joins the access grants
 * ({@link AccessGrants}), {@code _has:Basic:subject:author=Organization/<org>} on Patient and
 * {@code <patient parameter>:Patient._has:Basic:subject:author=Organization/<org>} on every other type of the Patient
 * compartment; owned records (a worklist's Tasks, Subscriptions) to the caller's own ({@code owner=Organization/<org>}).
 * So a search costs what the caller may see, not what the database holds: an organisation without
 * relationships searches nothing. A search that names the children whose records it wants ({@link NamedChildren}) is
 * checked against their relationships first instead, and runs unnarrowed only if the caller has one with each of
 * them. What cannot be narrowed so (a search or history across all types, a type's history,
 * {@code $everything} of every patient) is for an admin. The read rules ({@link ReadRules}) still check each resource
 * on its way out, as a second line.
 */
@Interceptor(order = Pipeline.Order.NARROWING)
final class SearchNarrowing {

	/** Matches no resource: the narrowing of a caller whose organisation is not registered. */
	static final String NO_CHILD = "no-related-child";

	private final FhirContext fhir;
	private final Children children;
	private final Relationships relationships;
	private final NamedChildren namedChildren;
	private final Map<String, String> parameters = new ConcurrentHashMap<>();
	private final Map<String, String> ownerParameters;

	SearchNarrowing(FhirContext fhir, Children children, Relationships relationships, NamedChildren namedChildren,
			Map<String, String> ownerParameters) {
		this.ownerParameters = ownerParameters;
		this.fhir = fhir;
		this.children = children;
		this.relationships = relationships;
		this.namedChildren = namedChildren;
	}

	/** After the caller is known ({@code TokenCallers}) and the gate, before HAPI turns the parameters into a search. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrow(RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null || caller.isAdmin()) {
			return;
		}
		narrowing(caller, request).ifPresent(narrowing -> {
			Map<String, String[]> narrowed = new LinkedHashMap<>(request.getParameters());
			add(narrowed, narrowing.name(), narrowing.value());
			request.setParameters(narrowed);
		});
	}

	/** A batch's searches, narrowed as they would be alone: the parameter is added to the entry's URL. */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void narrowEntries(IBaseBundle bundle, RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null || caller.isAdmin()) {
			return;
		}
		for (BatchReads.Read read : BatchReads.unseen(bundle, request, "narrowing")) {
			narrowing(caller, read.request()).ifPresent(narrowing -> {
				String[] asked = read.request().getParameters().get(narrowing.name());
				if (asked != null && Arrays.asList(asked).contains(narrowing.value())) {
					return;
				}
				String url = read.entry().getRequest().getUrl();
				read.entry().getRequest().setUrl(url + (url.contains("?") ? "&" : "?") + narrowing.name() + "="
						+ UrlUtil.escapeUrlParam(narrowing.value()));
			});
		}
	}

	/** A search parameter that narrows a search to the caller's children's records. */
	record Narrowing(String name, String value) {}

	private Optional<Narrowing> narrowing(Caller caller, RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		String type = request.getResourceName();
		if (operation == RestOperationTypeEnum.SEARCH_SYSTEM || operation == RestOperationTypeEnum.HISTORY_SYSTEM) {
			throw new ForbiddenOperationException("A search or history across all resource types is for an admin: "
					+ "search one type (GET /fhir/Observation?subject=Patient/{id})");
		}
		if (operation == RestOperationTypeEnum.HISTORY_TYPE && children.isChildType(type)) {
			throw new ForbiddenOperationException("The history of every " + type + " is for an admin: ask for one "
					+ "record's history (GET /fhir/" + type + "/{id}/_history)");
		}
		if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE && "$everything".equals(request.getOperation())) {
			throw new ForbiddenOperationException("$everything of every patient is for an admin: ask for one child's "
					+ "(GET /fhir/Patient/{id}/$everything)");
		}
		if (operation == RestOperationTypeEnum.HISTORY_TYPE && ownerParameters.containsKey(type)) {
			throw new ForbiddenOperationException("The history of every " + type + " is for an admin: ask for one "
					+ "record's history (GET /fhir/" + type + "/{id}/_history)");
		}
		if (operation != RestOperationTypeEnum.SEARCH_TYPE || type == null
				|| !children.isChildType(type) && !ownerParameters.containsKey(type) || type.equals("AuditEvent")) {
			return Optional.empty(); // AuditEvent: the audit trail answers its own searches, for the child's council only
		}
		Optional<String> organisation = relationships.organisationId(caller);
		if (organisation.isEmpty()) {
			return Optional.of(new Narrowing("_id", NO_CHILD));
		}
		if (ownerParameters.containsKey(type)) { // owned records: the caller's own, whatever the children
			return Optional.of(new Narrowing(ownerParameters.get(type), "Organization/" + organisation.get()));
		}
		String parameter = parameter(type);
		if (!type.equals("Patient") && namesOnlyRelatedChildren(caller, type, parameter, request)) {
			return Optional.empty();
		}
		return Optional.of(new Narrowing(parameter, "Organization/" + organisation.get()));
	}

	/**
	 * Whether the search keeps to children it names, all of whom the caller is related to: then it reads nothing
	 * else, and the grants need not be joined (on Patient the join costs little, and is kept).
	 */
	private boolean namesOnlyRelatedChildren(Caller caller, String type, String parameter, RequestDetails request) {
		String patientParameter = parameter.substring(0, parameter.indexOf(':'));
		return namedChildren.of(type, patientParameter, request.getParameters())
				.map(named -> named.stream().map(child -> "Patient/" + child).toList())
				.map(named -> relationships.relatedAmong(caller, named).containsAll(named))
				.orElse(false);
	}

	private static void add(Map<String, String[]> parameters, String name, String value) {
		String[] values = parameters.get(name);
		if (values != null && Arrays.asList(values).contains(value)) {
			return; // the caller asked for it already (Task?owner=<its own>): twice would be a 500 in HAPI's paging
		}
		String[] more = values == null ? new String[1] : Arrays.copyOf(values, values.length + 1);
		more[more.length - 1] = value;
		parameters.put(name, more);
	}

	/** The parameter that joins a type's records to the grants of the child they are about. */
	String parameter(String type) {
		return parameters.computeIfAbsent(type, t -> {
			if (t.equals("Patient")) {
				return "_has:Basic:subject:author";
			}
			// the type qualifier keeps HAPI's join to one target type: without it, HAPI ORs a branch per type the
			// parameter may point at, and the duplicate rows that makes use up the page's LIMIT (no next link)
			RuntimeSearchParam patient = fhir.getResourceDefinition(t).getSearchParam("patient");
			if (patient != null && patient.getTargets().contains("Patient")) {
				return "patient:Patient._has:Basic:subject:author";
			}
			for (RuntimeSearchParam compartment : fhir.getResourceDefinition(t).getSearchParamsForCompartmentName("Patient")) {
				if (compartment.getTargets().isEmpty() || compartment.getTargets().contains("Patient")) {
					return compartment.getName() + ":Patient._has:Basic:subject:author";
				}
			}
			throw new IllegalStateException(t + " is in the Patient compartment without a parameter that names the patient");
		});
	}
}
