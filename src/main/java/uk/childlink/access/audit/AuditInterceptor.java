package uk.childlink.access.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.access.AuditedChildren;
import uk.childlink.access.Caller;
import uk.childlink.access.authorisation.Children;
import uk.childlink.platform.Pipeline;

/**
 * Audits what a caller reads (reads, searches, pages, history, read-only operations), from the response itself:
 * one record naming every child whose data is in it, appended to the trail ({@link AuditLog}) and committed before
 * the response goes out, so that an access that cannot be recorded is not answered either (500, or 503 when the
 * database is unavailable). Refused and failed requests are audited too. Writes are
 * audited with the data they write, in the same database transaction ({@link AuditWrites}).
 */
@Interceptor(order = Pipeline.Order.AUDIT)
final class AuditInterceptor {

	private static final Logger log = LoggerFactory.getLogger(AuditInterceptor.class);
	private static final String DONE = AuditInterceptor.class.getName() + ".done";

	private final AuditLog trail;
	private final Children children;
	private final DaoRegistry daos;

	AuditInterceptor(AuditLog trail, Children children, DaoRegistry daos) {
		this.trail = trail;
		this.children = children;
		this.daos = daos;
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void responded(RequestDetails request, ResponseDetails response) {
		Caller caller = Caller.of(request).orElse(null);
		RestOperationTypeEnum op = request.getRestOperationType();
		if (caller == null || op == null || isWrite(op) || op == RestOperationTypeEnum.METADATA
				|| "AuditEvent".equals(request.getResourceName())) {
			return;
		}
		Set<String> seen = new LinkedHashSet<>(AuditedChildren.of(request));
		collect(response.getResponseResource(), seen);
		IIdType target = request.getId();
		if (target != null && "Patient".equals(target.getResourceType()) && target.hasIdPart()
				&& op.name().startsWith("EXTENDED_OPERATION")) {
			seen.add("Patient/" + target.getIdPart()); // Patient/x/$attendance: the answer is about the child
		}
		// a batch, transaction or import whose writes were audited with them: what it read back is audited here
		if (seen.isEmpty() && (AuditWrites.wroteIn(request) || !touchesChildren(request))) {
			return;
		}
		try {
			trail.append(AuditRecord.of(caller, access(request, op), seen, response.getResponseCode(), null));
			request.getUserData().put(DONE, Boolean.TRUE);
		} catch (RuntimeException e) {
			log.error("Could not record an access to {} children; the answer was withheld", seen.size(), e);
			throw new InternalErrorException("This access could not be recorded in the audit trail, so its answer is "
					+ "withheld; try again later", e);
		}
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean failed(RequestDetails request, BaseServerResponseException exception) {
		Caller caller = Caller.of(request).orElse(null);
		RestOperationTypeEnum op = request.getRestOperationType();
		if (caller == null || op == null || Boolean.TRUE.equals(request.getUserData().get(DONE))
				|| op == RestOperationTypeEnum.METADATA) {
			return true;
		}
		Set<String> named = new LinkedHashSet<>();
		collect(request.getResource(), named); // a refused write names the children it was about
		IIdType target = request.getId();
		if (target != null && target.hasIdPart() && target.getResourceType() != null
				&& children.isChildType(target.getResourceType())) {
			stored(target).ifPresent(resource -> named.addAll(children.of(resource))); // the council sees attempts too
		}
		try {
			trail.append(AuditRecord.of(caller, access(request, op), named, exception.getStatusCode(),
					exception.getMessage()));
		} catch (RuntimeException e) {
			log.error("Could not record a failed access ({} {})", op, exception.getStatusCode(), e);
		}
		return true;
	}

	private Optional<IBaseResource> stored(IIdType target) {
		try {
			return Optional.of(daos.getResourceDao(target.getResourceType())
					.read(target.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (BaseServerResponseException | IllegalArgumentException notThere) {
			return Optional.empty();
		}
	}

	private boolean touchesChildren(RequestDetails request) {
		String type = request.getResourceName();
		return type == null || children.isChildType(type);
	}

	private void collect(IBaseResource resource, Set<String> seen) {
		if (resource instanceof Bundle bundle) {
			bundle.getEntry().forEach(e -> collect(e.getResource(), seen));
		} else if (resource instanceof Parameters parameters) {
			parameters.getParameter().forEach(p -> {
				collect(p.getResource(), seen);
				p.getPart().forEach(part -> collect(part.getResource(), seen));
			});
		} else if (resource != null) {
			seen.addAll(children.of(resource));
		}
	}

	static AuditRecord.Access access(RequestDetails request, RestOperationTypeEnum op) {
		String address = request instanceof ServletRequestDetails servlet
				? servlet.getServletRequest().getRemoteAddr() : null;
		return new AuditRecord.Access(interaction(op), action(op), Caller.describe(request), address);
	}

	static boolean isWrite(RestOperationTypeEnum op) {
		return switch (op) {
			case CREATE, UPDATE, PATCH, DELETE, META_ADD, META_DELETE -> true;
			default -> false;
		};
	}

	static String interaction(RestOperationTypeEnum op) {
		return switch (op) {
			case READ -> "read";
			case VREAD -> "vread";
			case SEARCH_TYPE -> "search-type";
			case SEARCH_SYSTEM, GET_PAGE -> "search-system";
			case HISTORY_INSTANCE -> "history-instance";
			case HISTORY_TYPE -> "history-type";
			case HISTORY_SYSTEM -> "history-system";
			case CREATE -> "create";
			case UPDATE -> "update";
			case PATCH -> "patch";
			case DELETE -> "delete";
			case TRANSACTION -> "transaction";
			case BATCH -> "batch";
			default -> "operation";
		};
	}

	static AuditEventAction action(RestOperationTypeEnum op) {
		return switch (op) {
			case CREATE -> AuditEventAction.C;
			case UPDATE, PATCH, META_ADD, META_DELETE -> AuditEventAction.U;
			case DELETE -> AuditEventAction.D;
			case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> AuditEventAction.R;
			default -> AuditEventAction.E;
		};
	}
}
