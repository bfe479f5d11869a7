package uk.childlink.signals.events;

/**
 * An event in a child's record that a topic tells organisations about. References are relative
 * ({@code Patient/<id>}, {@code Organization/<id>}); {@code focus}, {@code requester} and the move's organisations may
 * be null.
 */
record Signal(long id, String topic, String event, String child, String focus, String requester, String previousOrg,
		String newOrg) {

	static Signal of(String topic, String event, String child, String focus, String requester) {
		return new Signal(0, topic, event, child, focus, requester, null, null);
	}

	static Signal move(String event, String child, String previousOrg, String newOrg) {
		return new Signal(0, "child-moved-1", event, child, null, null, previousOrg, newOrg);
	}

	String childId() {
		return child.substring(child.indexOf('/') + 1);
	}
}
