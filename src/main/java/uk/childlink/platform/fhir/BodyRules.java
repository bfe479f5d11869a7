package uk.childlink.platform.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.platform.FhirText;
import uk.childlink.platform.Pipeline;

/**
 * Rules of FHIR itself that HAPI's lenient parser lets through and that then fail deep inside HAPI or the database
 * (a 500), checked on every resource a request carries (a body to create or update, a transaction or batch, an
 * operation's parameters) once it is parsed, before anything else looks at it: 400 with each offending element.
 * <ul>
 * <li>Text ({@link FhirText}): no control characters but tab, CR and LF, no lone surrogate (JSON can escape one:
 * {@code "\ud800"}). U+0000 fails in PostgreSQL, a lone surrogate in the database driver.</li>
 * <li>A conditional reference is {@code Type?search} (R4, transactions): one without a known type before the
 * {@code ?} ({@code "?"}, {@code "?identifier=x"}) fails in HAPI's reference resolution.</li>
 * <li>A batch or transaction entry that writes does what its URL says. HAPI stores a POSTed entry's resource
 * whatever the URL names: {@code POST Patient/$validate} or {@code POST Observation/1/$expunge} with a resource
 * would store that resource (the operation never runs), and {@code POST Patient} with an Organization stores an
 * Organization. So a writing entry may not name an operation (operations run on their own; a GET entry may), and a
 * POST or PUT entry's URL names its resource's type.</li>
 * </ul>
 */
@Interceptor(order = Pipeline.Order.REQUEST_CHECKS)
final class BodyRules {

	/** Where HAPI keeps an operation's parsed body ({@code OperationParameter.REQUEST_CONTENTS_USERDATA_KEY}). */
	private static final String OPERATION_BODY = OperationParam.class.getName() + "_PARSED_RESOURCE";

	private final FhirContext fhir;

	BodyRules(FhirContext fhir) {
		this.fhir = fhir;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void check(RequestDetails request) {
		IBaseResource body = request.getResource() != null ? request.getResource()
				: request.getUserData().get(OPERATION_BODY) instanceof IBaseResource r ? r : null;
		if (body != null) {
			check(body);
		}
		if (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION && body instanceof Bundle bundle) {
			checkEntries(bundle);
		}
	}

	/** What each writing entry of a batch or transaction asks (see the class). */
	void checkEntries(Bundle bundle) {
		OperationOutcome outcome = new OperationOutcome();
		for (int i = 0; i < bundle.getEntry().size(); i++) {
			Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
			Bundle.HTTPVerb verb = entry.getRequest().getMethod();
			String url = entry.getRequest().getUrl();
			if (verb == null || verb == Bundle.HTTPVerb.GET || verb == Bundle.HTTPVerb.HEAD || url == null) {
				continue;
			}
			String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
			String problem = null;
			if (path.contains("$")) {
				problem = "Operations are not run inside a batch or transaction (" + verb.toCode() + " " + url
						+ "): send the operation on its own, to its URL. Nothing was written";
			} else if ((verb == Bundle.HTTPVerb.POST || verb == Bundle.HTTPVerb.PUT) && entry.getResource() != null
					&& !path.contains("://")) {
				String named = path.startsWith("/") ? path.substring(1) : path;
				named = named.contains("/") ? named.substring(0, named.indexOf('/')) : named;
				String type = entry.getResource().fhirType();
				if (!named.equals(type)) {
					problem = "The entry's URL names " + (named.isEmpty() ? "no resource type" : named)
							+ " but its resource is of type " + type + " (" + verb.toCode() + " " + url
							+ "). Nothing was written";
				}
			}
			if (problem != null) {
				String place = "Bundle.entry[" + i + "].request.url";
				outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
						.setCode(OperationOutcome.IssueType.NOTSUPPORTED).setDiagnostics(problem).addLocation(place)
						.addExpression(place);
			}
		}
		if (outcome.hasIssue()) {
			throw new InvalidRequestException(outcome.getIssueFirstRep().getDiagnostics(), outcome);
		}
	}

	void check(IBaseResource resource) {
		OperationOutcome outcome = new OperationOutcome();
		if (resource instanceof Base r4) {
			walk(r4, fhir.getResourceType(resource), outcome);
		}
		if (outcome.hasIssue()) {
			throw new InvalidRequestException(outcome.getIssueFirstRep().getDiagnostics(), outcome);
		}
	}

	/**
	 * Every element, extensions and their values, contained resources and a Bundle's entries included (HAPI's terser
	 * visitor leaves out the values of extensions).
	 */
	private void walk(Base element, String path, OperationOutcome outcome) {
		// the text as sent: a code's value is trimmed of control characters too, but HAPI writes what was sent
		String problem = element instanceof PrimitiveType<?> primitive && primitive.getValueAsString() != null
				? FhirText.problem(primitive.getValueAsString()) : null;
		if (problem == null && element instanceof Reference reference) {
			problem = conditionalReferenceProblem(reference.getReference());
		}
		if (problem != null) {
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.VALUE)
					.setDiagnostics(problem).addLocation(path).addExpression(path);
		}
		for (Property property : element.children()) {
			List<Base> values = property.getValues();
			for (int i = 0; i < values.size(); i++) {
				Base child = values.get(i);
				if (child != null) {
					String name = property.getName().endsWith("[x]")
							? property.getName().replace("[x]", capitalised(child.fhirType())) : property.getName();
					walk(child, path + "." + name + (property.isList() ? "[" + i + "]" : ""), outcome);
				}
			}
		}
	}

	private static String capitalised(String type) {
		return type.isEmpty() ? type : Character.toUpperCase(type.charAt(0)) + type.substring(1);
	}

	private String conditionalReferenceProblem(String reference) {
		if (reference == null || !reference.contains("?") || reference.startsWith("#") || reference.contains("://")
				|| reference.startsWith("urn:")) {
			return null;
		}
		String type = reference.substring(0, reference.indexOf('?'));
		return fhir.getResourceTypes().contains(type) ? null : "A conditional reference is Type?search "
				+ "(Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|...); '" + reference + "' names no resource type";
	}
}
