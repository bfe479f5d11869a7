package uk.childlink.identity;

/** The identifier systems and extensions ChildLink knows for a child. Ours live under {@code https://fhir.childlink.uk}. */
public final class IdentifierSystems {

	public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
	public static final String UPN = "https://fhir.childlink.uk/Id/upn";
	public static final String ULN = "https://fhir.childlink.uk/Id/uln";
	/** One system per local authority: this prefix followed by the 3-digit LA number, e.g. {@code .../la-child-id/801}. */
	public static final String LA_CHILD_ID_PREFIX = "https://fhir.childlink.uk/Id/la-child-id/";

	public static final String UPN_STATUS_EXTENSION = "https://fhir.childlink.uk/StructureDefinition/upn-status";
	public static final String NHS_NUMBER_VERIFICATION_STATUS_EXTENSION =
			"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
	public static final String NHS_NUMBER_VERIFICATION_STATUS_SYSTEM =
			"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

	public static final String NHS_NUMBER_UNAVAILABLE_REASON_EXTENSION =
			"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberUnavailableReason";
	public static final String NHS_NUMBER_UNAVAILABLE_REASON_SYSTEM =
			"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberUnavailableReason";

	private IdentifierSystems() {}
}
