package uk.childlink.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;

/** Organisations registered by an admin, each with a user's token acting for it (every scope, its own agency). */
public final class Organisations {

	/** An organisation: its reference, a token acting for it, and the identifier value the token names. */
	public record Org(Reference ref, String token, String identifier) {
		public String id() {
			return ref.getReference();
		}
	}

	private Organisations() {}

	public static Org council(IGenericClient admin) {
		String la = Records.nextLaNumber();
		return register(admin, Records.localAuthority(la), Tokens.LA, la, "social-worker", "social-care");
	}

	public static Org school(IGenericClient admin) {
		String urn = Records.nextUrn();
		return register(admin, Records.school(urn), Tokens.SCHOOL, urn, "teacher", "education");
	}

	/** A school that is part of the council (Organization.partOf): one of the council's schools. */
	public static Org school(IGenericClient admin, Org council) {
		String urn = Records.nextUrn();
		Organization school = Records.school(urn);
		school.setPartOf(council.ref());
		return register(admin, school, Tokens.SCHOOL, urn, "teacher", "education");
	}

	public static Org health(IGenericClient admin, String subject) {
		String ods = "S" + Records.nextUrn();
		return register(admin, Records.healthProvider(ods), Tokens.ODS, ods, subject, "health");
	}

	public static Org earlyYearsSetting(IGenericClient admin) {
		String urn = "EY" + Records.nextUrn();
		return register(admin, Records.earlyYearsSetting(urn), Records.BASE + "/Id/ofsted-urn", urn, "practitioner",
				"education");
	}

	public static Org police(IGenericClient admin) {
		String ods = "P" + Records.nextUrn();
		return register(admin, Records.policeForce(ods), Tokens.ODS, ods, "officer", "police");
	}

	private static Org register(IGenericClient admin, Organization org, String system, String value, String subject,
			String agency) {
		String id = admin.create().resource(org).execute().getId().toUnqualifiedVersionless().getValue();
		return new Org(new Reference(id), Tokens.token().subject(subject).organisation(system, value).agency(agency)
				.scope("user/*.cruds").sign(), value);
	}
}
