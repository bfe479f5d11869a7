package uk.childlink.platform.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;

/**
 * HAPI's lenient parsing, except that an element or attribute the R4 model does not have is refused (400) instead
 * of silently dropped: a sender must not believe part of a child's record was stored when it was not. Other
 * leniencies stay, so that problems the validator reports in full (with every location) still reach it.
 */
class RejectUnknownElementsErrorHandler extends LenientErrorHandler {

	RejectUnknownElementsErrorHandler() {
		super(false);
	}

	@Override
	public void unknownElement(IParseLocation location, String elementName) {
		throw new DataFormatException(where(location) + "Unknown element '" + elementName
				+ "': it is not part of FHIR R4 here (put local data in an extension)");
	}

	@Override
	public void unknownAttribute(IParseLocation location, String attributeName) {
		throw new DataFormatException(where(location) + "Unknown attribute '" + attributeName
				+ "': it is not part of FHIR R4 here");
	}

	private static String where(IParseLocation location) {
		return location == null || location.getParentElementName() == null
				? ""
				: "In " + location.getParentElementName() + ": ";
	}
}
