package uk.childlink.platform.fhir;

import ca.uhn.fhir.i18n.HapiLocalizer;

/**
 * HAPI's messages, except those that would show a caller a record they did not ask for: HAPI's unique-index
 * conflict names the id of the record that already holds the value, and reaches clients through batch entries and
 * operation outcomes as well as plain responses.
 */
class PrivacyPreservingLocalizer extends HapiLocalizer {

	PrivacyPreservingLocalizer() {
		addMessage("ca.uhn.fhir.jpa.dao.BaseHapiFhirDao.uniqueIndexConflictFailure",
				"Can not create resource of type {0} as it would create a duplicate unique index matching query: {1} "
						+ "(the value is already held by another resource; unique index {3})");
	}
}
