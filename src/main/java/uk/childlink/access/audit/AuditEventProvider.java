package uk.childlink.access.audit;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.beans.factory.ObjectProvider;
import uk.childlink.access.AuditTrailReaders;
import uk.childlink.access.Caller;
import uk.childlink.platform.OwnResourceProvider;

/**
 * AuditEvent over REST, from the audit trail's table ({@link AuditLog}): read by id, and searched by child
 * ({@code child=Patient/<id>}), date, who ({@code agent-name}, the token's subject: as FHIR string search, its start,
 * any case) and page, newest first by default ({@code _sort=date} for oldest first).
 * Someone other than an admin reads a child's trail only, and only as the child's council: asking of another child
 * finds nothing, without reading it. Nobody creates, changes or deletes one.
 */
final class AuditEventProvider implements OwnResourceProvider {

	static final String IMMUTABLE = "The audit trail is written by the server only: it cannot be created, changed or "
			+ "deleted through the API";
	private static final int DEFAULT_PAGE = 20;
	private static final int MAX_PAGE = 500;

	private final AuditLog log;
	private final ObjectProvider<AuditTrailReaders> readers;

	AuditEventProvider(AuditLog log, ObjectProvider<AuditTrailReaders> readers) {
		this.log = log;
		this.readers = readers;
	}

	@Override
	public Class<AuditEvent> getResourceType() {
		return AuditEvent.class;
	}

	@Read
	public AuditEvent read(@IdParam IdType id) {
		long number;
		try {
			number = Long.parseLong(id.getIdPart());
		} catch (NumberFormatException notOurs) {
			throw new ResourceNotFoundException(id.toUnqualifiedVersionless().getValue() + " is not known");
		}
		return log.read(number).map(AuditTrail::event)
				.orElseThrow(() -> new ResourceNotFoundException("AuditEvent/" + number + " is not known"));
	}

	@Search
	public IBundleProvider search(
			@OptionalParam(name = "child") ReferenceParam child,
			@OptionalParam(name = "date") DateRangeParam date,
			@OptionalParam(name = "agent-name") StringParam agentName,
			@OptionalParam(name = "purpose") TokenParam purpose,
			@Sort SortSpec sort,
			@Count Integer count,
			@Offset Integer offset,
			RequestDetails request) {
		Caller caller = Caller.of(request).orElse(null);
		if (child == null && caller != null && !caller.isAdmin()) {
			throw new ForbiddenOperationException("The audit trail is read one child at a time by the child's council: "
					+ "GET /fhir/AuditEvent?child=Patient/{id}");
		}
		String childRef = child == null ? null : "Patient/" + child.getIdPart();
		if (child != null && (child.getIdPart() == null || child.getChain() != null
				|| child.getResourceType() != null && !"Patient".equals(child.getResourceType()))) {
			throw new InvalidRequestException("child is a Patient reference: child=Patient/{id}");
		}
		if (caller != null && !caller.isAdmin() && !readers.getObject().mayRead(caller, childRef)) {
			return new SimpleBundleProvider(); // another child's trail: nothing to see, and nothing read
		}
		boolean newestFirst = sort == null || sort.getOrder() == SortOrderEnum.DESC;
		if (sort != null && !"date".equals(sort.getParamName())) {
			throw new InvalidRequestException("The audit trail is sorted by date only (_sort=date or _sort=-date)");
		}
		int size = Math.min(count == null ? DEFAULT_PAGE : count, MAX_PAGE);
		int from = offset == null ? 0 : offset;
		Instant after = date == null || date.getLowerBoundAsInstant() == null ? null : date.getLowerBoundAsInstant().toInstant();
		Instant before = date == null || date.getUpperBoundAsInstant() == null ? null : date.getUpperBoundAsInstant().toInstant();
		// one more than the page, to know whether there is a next one
		boolean breakGlassOnly = purpose != null;
		if (breakGlassOnly && !"BTG".equals(purpose.getValue())) {
			throw new InvalidRequestException("The trail's purpose is BTG (the glass broken) or none: purpose=BTG");
		}
		List<AuditRecord> found = log.search(childRef, agentName == null ? null : agentName.getValue(), breakGlassOnly,
				after, before, newestFirst, from, size + 1);
		boolean oneChildsTrail = caller != null && !caller.isAdmin();
		List<IBaseResource> page = found.stream().limit(size)
				.map(r -> (IBaseResource) (oneChildsTrail ? onlyChild(AuditTrail.event(r), childRef) : AuditTrail.event(r)))
				.toList();
		SimpleBundleProvider answer = new SimpleBundleProvider(page);
		answer.setCurrentPageOffset(from);
		answer.setCurrentPageSize(size);
		answer.setSize(found.size() > size ? null : from + page.size());
		return answer;
	}

	/**
	 * A council reads one child's trail: an access that also took other children's data (a search, an export) shows
	 * this child only; the others are not its business (and the consent check would hide the whole event).
	 */
	private static AuditEvent onlyChild(AuditEvent event, String child) {
		event.getEntity().removeIf(entity -> entity.getWhat().getReferenceElement().getResourceType() != null
				&& "Patient".equals(entity.getWhat().getReferenceElement().getResourceType())
				&& !child.equals(entity.getWhat().getReferenceElement().toUnqualifiedVersionless().getValue()));
		return event;
	}

	@Create
	public MethodOutcome create(@ResourceParam AuditEvent event) {
		throw new ForbiddenOperationException(IMMUTABLE);
	}

	@Update
	public MethodOutcome update(@IdParam IdType id, @ResourceParam AuditEvent event) {
		throw new ForbiddenOperationException(IMMUTABLE);
	}

	@Delete
	public MethodOutcome delete(@IdParam IdType id) {
		throw new ForbiddenOperationException(IMMUTABLE);
	}
}
