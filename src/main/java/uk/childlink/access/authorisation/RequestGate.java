package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.util.Arrays;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import uk.childlink.access.Caller;
import uk.childlink.access.authorisation.ScopeNeeds.Access;
import uk.childlink.platform.Pipeline;

/**
 * The first check of each request, before HAPI runs it: do the caller's SMART scopes allow this interaction on this
 * type (read, search, create, update, delete, and for each operation what it does), may they break the glass, and
 * is it an attempt to change the audit trail. Writes are checked again, resource by resource, by {@link WriteRules};
 * what a read returns, by {@link ReadRules}.
 */
@Interceptor(order = Pipeline.Order.GATE)
final class RequestGate {

	static final String IMMUTABLE_TRAIL =
			"The audit trail is written by the server only: it cannot be created, changed or deleted through the API";

	private final ReadRules reads;
	private final FhirContext fhir;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;

	RequestGate(ReadRules reads, FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls) {
		this.reads = reads;
		this.fhir = fhir;
		this.daos = daos;
		this.matchUrls = matchUrls;
	}

	/**
	 * Once HAPI knows the interaction, before the narrowing adds its own parameters: the request is judged as the
	 * client sent it.
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void check(RequestDetails request) {
		check(request, request.getRestOperationType());
	}

	private void check(RequestDetails request, RestOperationTypeEnum operation) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null || operation == null) {
			return;
		}
		String type = request.getResourceName();
		if (caller.breaksGlass()) {
			if (!caller.roles().contains(Caller.BREAK_GLASS)) {
				throw new ForbiddenOperationException("You gave a break-glass reason, but your token does not carry "
						+ "the " + Caller.BREAK_GLASS + " role; nothing was read");
			}
			if (caller.scopes().systemOnly()) {
				throw new ForbiddenOperationException("Only a person breaks the glass, not an integration client");
			}
			if (!isOneChild(request, operation)) {
				throw new ForbiddenOperationException("Breaking the glass opens one child's record: GET Patient/{id}, "
						+ "Patient/{id}/$everything or Patient/{id}/$attendance, not a search across children");
			}
		}
		if ("AuditEvent".equals(type) && !isRead(operation)) {
			throw new ForbiddenOperationException(IMMUTABLE_TRAIL);
		}
		switch (operation) {
			case READ, VREAD, HISTORY_INSTANCE -> ScopeNeeds.need(caller, type, Access.READ);
			case META -> {
				ScopeNeeds.need(caller, type, Access.READ);
				instance(caller, request);
			}
			case VALIDATE -> instance(caller, request);
			case SEARCH_TYPE, HISTORY_TYPE -> ScopeNeeds.need(caller, type, Access.SEARCH);
			case CREATE -> {
				ScopeNeeds.need(caller, type, Access.CREATE);
				if (!caller.isAdmin()) {
					conditionalCreate(caller, request, type);
				}
			}
			case UPDATE, PATCH -> ScopeNeeds.need(caller, type, Access.UPDATE);
			case META_ADD, META_DELETE -> {
				ScopeNeeds.need(caller, type, Access.UPDATE);
				instance(caller, request);
			}
			case DELETE -> ScopeNeeds.need(caller, type, Access.DELETE);
			case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE -> ScopeNeeds.operation(caller, request.getOperation());
			case EXTENDED_OPERATION_INSTANCE -> {
				ScopeNeeds.operation(caller, request.getOperation());
				instance(caller, request);
			}
			case GRAPHQL_REQUEST -> throw new ForbiddenOperationException("GraphQL is not offered with access control");
			default -> {} // system search/history, pages, transactions, batches: checked resource by resource
		}
		if (caller.isAdmin()) {
			// an admin sees everything (and is audited), but another caller's export files (ReadRules): the consent
			// check stays on where they can be read (Binary, and what spans types: history, batches)
			if (request.getResourceName() != null && !"Binary".equals(request.getResourceName())) {
				ConsentInterceptor.skipAllConsentForRequest(request);
			}
		} else {
			reverseChains(caller, request);
		}
	}

	/**
	 * {@code _has:Observation:subject:code=...} selects children by records the caller may not be allowed to see: it
	 * needs the search scope on that type, and is not for an integration client (who sees only its own records).
	 */
	private void reverseChains(Caller caller, RequestDetails request) {
		for (String name : request.getParameters().keySet()) {
			if (!name.startsWith("_has:")) {
				continue;
			}
			if (caller.scopes().systemOnly()) {
				throw new ForbiddenOperationException("_has is not offered to an integration client: it would select "
						+ "children by records other organisations made");
			}
			String[] parts = name.split(":");
			String target = parts.length > 1 ? parts[1] : "?";
			ScopeNeeds.need(caller, target, Access.SEARCH);
			String searched = request.getResourceName();
			if (searched == null || !reads.isChildData(searched) && reads.isChildData(target)) {
				throw new ForbiddenOperationException("_has from " + (searched == null ? "a system search" : searched)
						+ " into " + target + " would tell which children's records exist: search " + target
						+ " itself, whose results are checked one by one");
			}
		}
	}

	/**
	 * The read entries of a batch or transaction (its writes are checked one by one as they are stored), before any
	 * entry runs: each as the same request sent alone. Counting, and selecting children by others' records, are not
	 * offered there.
	 */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void entries(IBaseBundle bundle, RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (caller == null || caller.isAdmin()) {
			return;
		}
		for (BatchReads.Read read : BatchReads.unseen(bundle, request, "gate")) {
			Map<String, String[]> parameters = read.request().getParameters();
			if (parameters.keySet().stream().anyMatch(name -> name.startsWith("_has:"))
					|| has(parameters, Constants.PARAM_SUMMARY, "count") || has(parameters, Constants.PARAM_SEARCH_TOTAL_MODE, "accurate")) {
				throw new ForbiddenOperationException("_has, _summary=count and _total=accurate are not offered inside "
						+ "a batch or transaction");
			}
			check(read.request(), read.operation());
		}
	}

	private static boolean has(Map<String, String[]> parameters, String name, String value) {
		String[] values = parameters.get(name);
		return values != null && Arrays.asList(values).contains(value);
	}

	/**
	 * An operation on one resource ({@code $meta}, {@code $validate}, {@code $everything}...) first reads it as the
	 * caller would: one they may not see is not known to them (404), whatever the operation would have said of it.
	 */
	private void instance(Caller caller, RequestDetails request) {
		if (caller.isAdmin()) {
			return;
		}
		String type = request.getResourceName();
		if (type == null || request.getId() == null || !request.getId().hasIdPart()) {
			return;
		}
		if ("$validate".equals(request.getOperation()) || request.getRestOperationType() == RestOperationTypeEnum.VALIDATE) {
			// $validate of a stored record (mode=delete says what refers to it): for an admin
			throw new ForbiddenOperationException("$validate of a stored record is for an admin only; to check a "
					+ "resource, POST it to " + type + "/$validate");
		}
		visible(caller, type, request.getId());
	}

	/**
	 * A stored child record (or AuditEvent, or Binary) the caller may not see is not known to them, whatever they ask of
	 * it.
	 */
	private void visible(Caller caller, String type, IIdType target) {
		if (!reads.isChildData(type) && !type.equals("AuditEvent") && !type.equals("Binary")) {
			return; // a Binary may be someone else's export file: its $meta names the export
		}
		IIdType id = target.toUnqualifiedVersionless();
		// read as the server (HAPI's consent interceptor leaves $meta alone), then judged as a read of it would be
		IBaseResource stored = daos.getResourceDao(type).read(id, new SystemRequestDetails());
		if (!reads.sees(caller, stored)) {
			throw new ResourceNotFoundException(id.getValue() + " is not known");
		}
	}

	private static boolean isOneChild(RequestDetails request, RestOperationTypeEnum operation) {
		boolean patient = "Patient".equals(request.getResourceName()) && request.getId() != null
				&& request.getId().hasIdPart();
		return patient && switch (operation) {
			case READ, VREAD, HISTORY_INSTANCE -> true;
			case EXTENDED_OPERATION_INSTANCE -> "$everything".equals(request.getOperation())
					|| "$attendance".equals(request.getOperation());
			default -> false;
		};
	}

	/**
	 * A conditional create ({@code If-None-Exist}) that matches a record the caller may not see would answer with its
	 * id: refused instead, without it (the match is looked up as the server would, before HAPI does).
	 */
	private void conditionalCreate(Caller caller, RequestDetails request, String type) {
		String match = request.getHeader(Constants.HEADER_IF_NONE_EXIST);
		if (match == null || match.isBlank() || type == null) {
			return;
		}
		String params = match.contains("?") ? match.substring(match.indexOf('?') + 1) : match;
		if (params.isBlank()) {
			return; // HAPI refuses an empty match
		}
		String url = type + "?" + params;
		SearchParameterMap search = matchUrls.translateMatchUrl(url, fhir.getResourceDefinition(type));
		search.setLoadSynchronousUpTo(2);
		for (IBaseResource found : daos.getResourceDao(type).search(search, new SystemRequestDetails()).getResources(0, 2)) {
			if (!reads.mayKnow(caller, found)) {
				throw new ResourceVersionConflictException("A record matching If-None-Exist already exists, and it is "
						+ "not one your organisation may see; nothing was created");
			}
		}
	}

	private static boolean isRead(RestOperationTypeEnum operation) {
		return switch (operation) {
			case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM, GET_PAGE,
					META -> true;
			default -> false;
		};
	}
}
