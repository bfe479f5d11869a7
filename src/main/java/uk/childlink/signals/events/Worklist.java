package uk.childlink.signals.events;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * A signal on the recipient's worklist: a {@code Task} the organisation owns ({@code Task?owner=...&status=requested}),
 * for the child, naming the topic and the event, the record it comes from ({@code focus}) and whom to call
 * ({@code requester}), and for a move the previous and the new organisation ({@code input}, typed by text
 * {@code previous-organisation} and {@code new-organisation}); ids only, never the record's content. Found by its identifier
 * ({@code https://fhir.childlink.uk/Id/signal|<signal id>-<organisation id>}), so a signal sent again after a failure
 * does not add it twice. The recipient closes it by setting its status (completed, rejected...).
 */
final class Worklist {

	static final String IDENTIFIER = "https://fhir.childlink.uk/Id/signal";
	static final String TOPICS = "https://fhir.childlink.uk/CodeSystem/signal-topic";
	static final String EVENTS = "https://fhir.childlink.uk/CodeSystem/signal-event";

	private final IFhirResourceDao<Task> tasks;

	Worklist(IFhirResourceDao<Task> tasks) {
		this.tasks = tasks;
	}

	/** Puts the signal on the organisation's worklist; returns the Task ({@code Task/<id>}). */
	String add(SignalPolicy.Topic topic, Signal signal, String organisation) {
		String key = signal.id() + "-" + organisation.substring(organisation.indexOf('/') + 1);
		Task task = new Task();
		task.addIdentifier().setSystem(IDENTIFIER).setValue(key);
		task.setStatus(Task.TaskStatus.REQUESTED);
		task.setIntent(Task.TaskIntent.ORDER);
		task.getCode().addCoding().setSystem(TOPICS).setCode(topic.code()).setDisplay(topic.title());
		task.getBusinessStatus().addCoding().setSystem(EVENTS).setCode(signal.event());
		task.setDescription(topic.events().get(signal.event()));
		task.setFor(new Reference(signal.child()));
		if (signal.focus() != null) {
			task.setFocus(new Reference(signal.focus()));
		}
		if (signal.requester() != null) {
			task.setRequester(new Reference(signal.requester()));
		}
		if (signal.previousOrg() != null) {
			task.addInput().setValue(new Reference(signal.previousOrg())).getType().setText("previous-organisation");
		}
		if (signal.newOrg() != null) {
			task.addInput().setValue(new Reference(signal.newOrg())).getType().setText("new-organisation");
		}
		task.setOwner(new Reference(organisation));
		task.setAuthoredOn(new java.util.Date());
		return "Task/" + tasks.create(task, "Task?identifier=" + IDENTIFIER + "|" + key, new SystemRequestDetails())
				.getId().getIdPart();
	}
}
