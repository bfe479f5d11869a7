package uk.childlink.schools;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.Records;

/** Schools and pupils (children known by UPN) for the import tests. */
public final class Pupils {

	public static final String UPN = "https://fhir.childlink.uk/Id/upn";
	static final String UPN_STATUS = "https://fhir.childlink.uk/StructureDefinition/upn-status";

	private Pupils() {}

	/** Registers a school and returns its URN. */
	public static String school(IGenericClient client) {
		String urn = Records.nextUrn();
		client.create().resource(Records.school(urn)).execute();
		return urn;
	}

	/** Registers a child known by a new permanent UPN; returns the UPN. */
	public static String pupil(IGenericClient client, String family, String given, String birthDate) {
		String upn = TestIdentifiers.nextPermanentUpn();
		Patient child = new Patient();
		child.addIdentifier().setSystem(UPN).setValue(upn).addExtension(UPN_STATUS, new CodeType("permanent"));
		child.addName().setFamily(family).addGiven(given);
		child.setGender(AdministrativeGender.MALE);
		child.setBirthDateElement(new DateType(birthDate));
		client.create().resource(child).execute();
		return upn;
	}

	/** A Monday some weeks back (marks may not be in the future), always in the past school term. */
	public static LocalDate pastMonday(int weeksAgo) {
		return LocalDate.now(ZoneId.of("Europe/London")).with(TemporalAdjusters.previous(DayOfWeek.MONDAY))
				.minusWeeks(weeksAgo);
	}
}
