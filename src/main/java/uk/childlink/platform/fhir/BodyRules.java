package uk.childlink.platform.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.IModelVisitor2;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseExtension;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Rules of FHIR itself that HAPI's lenient parser lets through and that then fail deep inside HAPI or the database
 * (a 500), checked on every resource a request carries (a body to create or update, a transaction or batch, an
 * operation's parameters) once it is parsed, before anything else looks at it: 400 with each offending element.
 * <ul>
 * <li>Text: strings "SHALL NOT contain Unicode character points below 32, except for u0009 (horizontal tab), u0010
 * (carriage return) and u0013 (line feed)" (R4, datatypes), and are Unicode, so hold no lone surrogate (JSON can
 * escape one: {@code "\ud800"}). U+0000 fails in PostgreSQL, a lone surrogate in the database driver.</li>
 * <li>A conditional reference is {@code Type?search} (R4, transactions): one without a known type before the
 * {@code ?} ({@code "?"}, {@code "?identifier=x"}) fails in HAPI's reference resolution.</li>
 * </ul>
 */
@Interceptor
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
	}

	void check(IBaseResource resource) {
		OperationOutcome outcome = new OperationOutcome();
		String type = fhir.getResourceType(resource);
		fhir.newTerser().visit(resource, new IModelVisitor2() {
			@Override
			public boolean acceptElement(IBase element, List<IBase> containing,
					List<BaseRuntimeChildDefinition> children, List<BaseRuntimeElementDefinition<?>> definitions) {
				String problem = element instanceof IPrimitiveType<?> primitive && primitive.getValue() instanceof String text
						? problem(text) : null;
				if (problem == null && element instanceof IBaseReference reference) {
					problem = conditionalReferenceProblem(reference.getReferenceElement().getValue());
				}
				if (problem != null) {
					StringBuilder path = new StringBuilder(type);
					children.forEach(child -> path.append('.').append(child.getElementName()));
					outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
							.setCode(OperationOutcome.IssueType.VALUE).setDiagnostics(problem)
							.addLocation(path.toString()).addExpression(path.toString());
				}
				return true;
			}

			@Override
			public boolean acceptUndeclaredExtension(IBaseExtension<?, ?> extension, List<IBase> containing,
					List<BaseRuntimeChildDefinition> children, List<BaseRuntimeElementDefinition<?>> definitions) {
				return true;
			}
		});
		if (outcome.hasIssue()) {
			throw new InvalidRequestException(outcome.getIssueFirstRep().getDiagnostics(), outcome);
		}
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

	/** What is wrong with the text as FHIR text; null when nothing. */
	static String problem(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
				return "FHIR text has no control characters but tab, carriage return and line feed; this has U+"
						+ String.format("%04X", (int) c);
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			} else if (Character.isSurrogate(c)) {
				return "FHIR text is Unicode; this has a lone surrogate (U+" + String.format("%04X", (int) c)
						+ "), which is no character";
			}
		}
		return null;
	}
}
