package uk.childlink.access.audit;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.conformance.CodeLists;
import uk.childlink.platform.FhirText;

/**
 * The AuditEvent of one access, as a client reads it: who (the person or client, from their token), for which
 * organisation and agency, through which client and address, what (the RESTful interaction, the query), which
 * children, the outcome, and the break-glass reason. Built from its stored {@link AuditRecord}; the council reads
 * them with {@code GET /fhir/AuditEvent?child=Patient/<id>} (see docs/access.md).
 */
final class AuditTrail {

	static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
	static final String AGENCY = CodeLists.AGENCY;

	private AuditTrail() {}

	static AuditEvent event(AuditRecord record) {
		AuditEvent event = new AuditEvent();
		if (record.id() != null) {
			event.setId(Long.toString(record.id()));
			event.getMeta().setVersionId("1").setLastUpdated(Date.from(record.recorded()));
		}
		event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
		event.addSubtype(new Coding(INTERACTION, record.interaction(), null));
		event.setAction(record.action());
		event.setRecorded(Date.from(record.recorded()));
		int status = record.status();
		event.setOutcome(status < 400 ? AuditEventOutcome._0 : status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
		if (record.failure() != null) {
			event.setOutcomeDesc(FhirText.escaped(status + ": " + record.failure()));
		}
		if (record.breakGlassReason() != null) {
			event.addPurposeOfEvent(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason",
					"BTG", "break the glass")).setText(FhirText.escaped(record.breakGlassReason())));
		}
		AuditEvent.AuditEventAgentComponent who = event.addAgent().setRequestor(true);
		String subject = FhirText.escaped(record.subject());
		who.getWho().setIdentifier(new Identifier().setSystem(FhirText.escaped(record.issuer())).setValue(subject))
				.setDisplay(subject);
		who.setName(subject);
		if (record.clientId() != null) {
			who.setAltId(FhirText.escaped(record.clientId()));
		}
		if (record.agency() != null) {
			who.addRole(new CodeableConcept(new Coding(AGENCY, record.agency(), null)));
		}
		record.roles().forEach(role -> who.addPolicy("https://fhir.childlink.uk/access/role/" + FhirText.escaped(role)));
		if (record.address() != null) {
			who.getNetwork().setAddress(record.address()).setType(AuditEvent.AuditEventAgentNetworkType._2);
		}
		if (record.organisationSystem() != null) {
			AuditEvent.AuditEventAgentComponent org = event.addAgent().setRequestor(false);
			org.setType(new CodeableConcept().setText("organisation the caller acts for"));
			org.setWho(new Reference().setIdentifier(new Identifier().setSystem(record.organisationSystem())
					.setValue(record.organisationValue()))
					.setDisplay(record.organisationSystem() + "|" + record.organisationValue()));
		}
		event.getSource().setSite("ChildLink").setObserver(new Reference().setDisplay("ChildLink FHIR server"))
				.addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
						"Application Server"));
		for (String child : record.children()) {
			event.addEntity().setWhat(new Reference(FhirText.escaped(child)))
					.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
					.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
		}
		if (record.request() != null) {
			event.addEntity()
					.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
					.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"))
					.setDescription(FhirText.escaped(record.request()))
					.setQuery(record.request().getBytes(StandardCharsets.UTF_8));
		}
		return event;
	}
}
