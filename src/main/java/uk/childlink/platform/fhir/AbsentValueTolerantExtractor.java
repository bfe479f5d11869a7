package uk.childlink.platform.fhir;

import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamDate;
import ca.uhn.fhir.jpa.searchparam.extractor.SearchParamExtractorR4;
import java.util.ArrayList;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * HAPI's search-index extraction, tolerant of date primitives that carry only an extension (a
 * {@code data-absent-reason}: valid FHIR). HAPI 8.8 fails with a NullPointerException on one in a
 * {@code Timing.repeat.boundsPeriod} (stock HAPI answers such a ChargeItem or ServiceRequest with 500). When that
 * happens, the dates are extracted again from a copy without the value-less primitives: a primitive without a value
 * has nothing to index, so the index is what a corrected HAPI would build, and the resource is stored as sent.
 */
class AbsentValueTolerantExtractor extends SearchParamExtractorR4 {

	@Override
	public SearchParamSet<ResourceIndexedSearchParamDate> extractSearchParamDates(
			IBaseResource resource, ISearchParamFilter filter) {
		try {
			return super.extractSearchParamDates(resource, filter);
		} catch (NullPointerException absentValue) {
			if (!(resource instanceof Resource r4)) {
				throw absentValue;
			}
			Resource copy = r4.copy();
			dropValuelessPrimitives(copy);
			return super.extractSearchParamDates(copy, filter);
		}
	}

	/** Removes, in place, every primitive that has no value (only extensions or nothing). */
	static void dropValuelessPrimitives(Base element) {
		for (Property property : element.children()) {
			for (Base child : new ArrayList<>(property.getValues())) {
				if (child instanceof PrimitiveType<?> primitive && primitive.getValue() == null) {
					remove(element, property.getName(), child);
				} else if (child != null && !child.isPrimitive()) {
					dropValuelessPrimitives(child);
				}
			}
		}
	}

	private static void remove(Base parent, String name, Base child) {
		try {
			parent.removeChild(name, child);
		} catch (FHIRException notRemovable) {
			// a type without removeChild for this property: left as it is (extraction may then fail as before)
		}
	}
}
