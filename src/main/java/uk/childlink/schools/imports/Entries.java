package uk.childlink.schools.imports;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;

/**
 * Transaction entries the importers write with, and the comparison that lets them write nothing when nothing has
 * changed.
 */
public final class Entries {

	private Entries() {}

	/** A transaction entry creating {@code record}. */
	public static Bundle.BundleEntryComponent create(DomainResource record) {
		Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(record);
		entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(record.fhirType());
		return entry;
	}

	/**
	 * A transaction entry writing {@code record}: a conditional update on its (first) identifier when there is no
	 * stored version, else an update of the stored one, if it is still the version read ({@code If-Match}).
	 */
	public static Bundle.BundleEntryComponent upsert(DomainResource record, DomainResource stored) {
		Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(record);
		String type = record.fhirType();
		if (stored == null) {
			Identifier key = identifierOf(record);
			entry.getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl(type + "?identifier=" + key.getSystem() + "|" + key.getValue());
		} else {
			record.setId(stored.getIdElement().toUnqualifiedVersionless());
			entry.getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl(type + "/" + stored.getIdElement().getIdPart())
					.setIfMatch("W/\"" + stored.getIdElement().getVersionIdPart() + "\"");
		}
		return entry;
	}

	private static Identifier identifierOf(DomainResource record) {
		if (record instanceof Observation obs) {
			return obs.getIdentifierFirstRep();
		}
		throw new IllegalArgumentException("no key for " + record.fhirType());
	}

	/** Same record apart from id and meta (which the server sets). */
	public static boolean sameContent(DomainResource stored, DomainResource built) {
		DomainResource a = stored.copy();
		DomainResource b = built.copy();
		a.setId((String) null);
		b.setId((String) null);
		a.setMeta(null);
		b.setMeta(null);
		a.setText(null);
		return a.equalsDeep(b);
	}
}
