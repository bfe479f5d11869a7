package uk.childlink.identity;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;

/**
 * The identity module's matching ({@code Patient/$match}) for other modules: finds the stored children a set of
 * identifiers and demographics may belong to, best first.
 */
public interface ChildMatching {

	/** How sure a match is: {@code certain} (an identifier), {@code probable}, {@code possible} (demographics). */
	enum Grade {
		CERTAIN, PROBABLE, POSSIBLE
	}

	record Match(Patient child, Grade grade) {}

	/** At most {@code count} candidates for {@code input}, best first; merged-away records are never offered. */
	List<Match> candidates(Patient input, int count, RequestDetails request);
}
