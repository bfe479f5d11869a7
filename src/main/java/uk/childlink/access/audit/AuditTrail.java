package uk.childlink.access.audit;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.access.Caller;
import uk.childlink.conformance.TrustedWrites;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.FhirText;

/**
 * Builds and stores the AuditEvent of one access: who (the person or client, from their token), for which
 * organisation and agency, through which client and address, what (the RESTful interaction, the query), which
 * children, the outcome, and the break-glass reason. The council reads them with
 * {@code GET /fhir/AuditEvent?child=Patient/<id>} (see docs/access.md).
 */
final class AuditTrail {

	static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
	static final String AGENCY = CodeLists.AGENCY;

	/** What was done: the interaction (a restful-interaction code), and the request as the caller sent it. */
	record Access(String interaction, AuditEventAction action, String request, String address) {}

	private final IFhirResourceDao<AuditEvent> events;

	AuditTrail(IFhirResourceDao<AuditEvent> events) {
		this.events = events;
	}

	AuditEvent event(Caller caller, Access access, Collection<String> children, int status, String failure) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
		event.addSubtype(new Coding(INTERACTION, access.interaction(), null));
		event.setAction(access.action());
		event.setRecorded(new Date());
		event.setOutcome(status < 400 ? AuditEventOutcome._0 : status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
		if (failure != null) {
			event.setOutcomeDesc(FhirText.escaped(status + ": " + failure));
		}
		if (caller.breaksGlass()) {
			event.addPurposeOfEvent(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason",
					"BTG", "break the glass")).setText(FhirText.escaped(caller.breakGlassReason())));
		}
		AuditEvent.AuditEventAgentComponent who = event.addAgent().setRequestor(true);
		String subject = FhirText.escaped(caller.subject());
		who.getWho().setIdentifier(new Identifier().setSystem(FhirText.escaped(caller.issuer())).setValue(subject))
				.setDisplay(subject);
		who.setName(subject);
		if (caller.clientId() != null) {
			who.setAltId(caller.clientId());
		}
		if (caller.agency() != null) {
			who.addRole(new CodeableConcept(new Coding(AGENCY, caller.agency(), null)));
		}
		caller.roles().forEach(role -> who.addPolicy("https://fhir.childlink.uk/access/role/" + role));
		if (access.address() != null) {
			who.getNetwork().setAddress(access.address()).setType(AuditEvent.AuditEventAgentNetworkType._2);
		}
		if (caller.organisation() != null) {
			AuditEvent.AuditEventAgentComponent org = event.addAgent().setRequestor(false);
			org.setType(new CodeableConcept().setText("organisation the caller acts for"));
			org.setWho(new Reference().setIdentifier(caller.organisation().copy())
					.setDisplay(caller.organisationText()));
		}
		event.getSource().setSite("ChildLink").setObserver(new Reference().setDisplay("ChildLink FHIR server"))
				.addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
						"Application Server"));
		for (String child : children) {
			event.addEntity().setWhat(new Reference(FhirText.escaped(child)))
					.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
					.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
		}
		if (access.request() != null) {
			event.addEntity()
					.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
					.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"))
					.setDescription(FhirText.escaped(access.request()))
					.setQuery(access.request().getBytes(StandardCharsets.UTF_8));
		}
		return event;
	}

	/** Stores the event (in the current database transaction, if there is one). */
	void write(AuditEvent event) {
		events.create(event, TrustedWrites.mark(new SystemRequestDetails()));
	}
}
