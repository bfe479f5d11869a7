package uk.childlink.signals.events;

import java.time.Instant;

/**
 * An event in a child's record that a topic tells organisations about. References are relative
 * ({@code Patient/<id>}, {@code Organization/<id>}); {@code focus}, {@code requester} and the move's organisations may
 * be null. {@code due}: not sent before then (null: at once).
 */
record Signal(long id, String topic, String event, String child, String focus, String requester, String previousOrg,
		String newOrg, Instant due) {

	static Signal of(String topic, String event, String child, String focus, String requester) {
		return new Signal(0, topic, event, child, focus, requester, null, null, null);
	}

	static Signal move(String event, String child, String previousOrg, String newOrg) {
		return new Signal(0, "child-moved-1", event, child, null, null, previousOrg, newOrg, null);
	}

	/** A child left a school's roll: whether anyone should hear is known only when it is due. */
	static Signal leftRoll(String child, String enrolment, String school, Instant due) {
		return new Signal(0, "child-missing-education-1", "left-roll", child, enrolment, school, null, null, due);
	}

	String childId() {
		return child.substring(child.indexOf('/') + 1);
	}
}
