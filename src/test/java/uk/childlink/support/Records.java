package uk.childlink.support;

import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** Builds records that meet the ChildLink profiles, the way a client following docs/profiles would. */
public final class Records {

	public static final String BASE = "https://fhir.childlink.uk";
	public static final String SD = BASE + "/StructureDefinition/";
	public static final String OBSERVATION_CODE = BASE + "/CodeSystem/observation-code";
	public static final String CATEGORY = BASE + "/CodeSystem/attendance-category";
	public static final String AGENCY = BASE + "/CodeSystem/agency";
	public static final String URN = "https://fhir.hl7.org.uk/Id/urn-school-number";
	public static final String LA_NUMBER = BASE + "/Id/la-number";

	/** URNs and LA numbers that differ from run to run and from test to test. */
	private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() % 400_000));

	private Records() {}

	public static String nextUrn() {
		return Integer.toString(500_000 + NEXT.incrementAndGet() % 500_000);
	}

	public static String nextLaNumber() {
		return Integer.toString(100 + NEXT.incrementAndGet() % 800); // 100-899: the examples use 990 and 991
	}

	public static Organization school(String urn) {
		Organization school = new Organization();
		school.addIdentifier().setSystem(URN).setValue(urn);
		school.addType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/organization-type").setCode("edu");
		school.setName("Test School " + urn);
		return school;
	}

	public static Organization localAuthority(String laNumber) {
		Organization la = new Organization();
		la.addIdentifier().setSystem(LA_NUMBER).setValue(laNumber);
		la.addType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/organization-type").setCode("govt");
		la.setName("Test Council " + laNumber);
		return la;
	}

	public static Organization healthProvider(String ods) {
		Organization trust = new Organization();
		trust.addIdentifier().setSystem("https://fhir.nhs.uk/Id/ods-organization-code").setValue(ods);
		trust.setName("Test Health Trust " + ods);
		return trust;
	}

	/** An early years setting (nursery, pre-school, childminder) with its Ofsted URN. */
	public static Organization earlyYearsSetting(String ofstedUrn) {
		Organization setting = new Organization();
		setting.addIdentifier().setSystem(BASE + "/Id/ofsted-urn").setValue(ofstedUrn);
		setting.addType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/organization-type").setCode("edu");
		setting.setName("Test Nursery " + ofstedUrn);
		return setting;
	}

	public static Organization policeForce(String ods) {
		Organization force = new Organization();
		force.addIdentifier().setSystem("https://fhir.nhs.uk/Id/ods-organization-code").setValue(ods);
		force.setName("Test Constabulary " + ods);
		return force;
	}

	/** A police force's Operation Encompass record: that an incident involving the child happened, and when. */
	public static Observation domesticAbuseIncident(Reference child, Reference force, String when) {
		Observation incident = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		incident.addCategory().addCoding().setSystem(AGENCY).setCode("police");
		incident.getCode().addCoding().setSystem(OBSERVATION_CODE).setCode("domestic-abuse-incident");
		return incident.setSubject(child).setEffective(new DateTimeType(when)).addPerformer(force);
	}

	/** A week (Monday to Friday, 10 sessions) at a school, with the rate computed from the counts. */
	public static Observation attendanceWeek(Reference child, Reference school, String monday, String friday,
			int present, int authorised, int unauthorised) {
		int possible = present + authorised + unauthorised;
		Observation obs = observation("attendance-summary", "education", child, school, monday, friday);
		count(obs, OBSERVATION_CODE, "possible-sessions", possible);
		count(obs, CATEGORY, "present", present);
		count(obs, CATEGORY, "approved-educational-activity", 0);
		count(obs, CATEGORY, "authorised", authorised);
		count(obs, CATEGORY, "unauthorised", unauthorised);
		obs.setValue(new Quantity().setValue(Math.round(present * 1000.0 / possible) / 10.0)
				.setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
		return obs;
	}

	public static Observation suspension(Reference child, Reference school, String start, String end, String reason) {
		Observation obs = observation("suspension", "education", child, school, start, end);
		obs.setValue(new CodeableConcept(new Coding(BASE + "/CodeSystem/exclusion-reason", reason, null)));
		return obs;
	}

	public static Observation cpPlan(Reference child, Reference council, String start, String end, String category) {
		Observation obs = observation("cp-plan", "social-care", child, council, start, end);
		obs.setValue(new CodeableConcept(new Coding(BASE + "/CodeSystem/cp-category", category, null)));
		return obs;
	}

	/** A child-in-need episode (primary need N4, family in acute stress) recorded by the council. */
	public static Observation childInNeed(Reference child, Reference council, String start, String end) {
		Observation obs = observation("cin-primary-need", "social-care", child, council, start, end);
		obs.setValue(new CodeableConcept(new Coding(BASE + "/CodeSystem/cin-primary-need", "N4", null)));
		return obs;
	}

	/** Looked-after status (full care order) recorded by the council. */
	public static Observation lookedAfter(Reference child, Reference council, String start, String end) {
		Observation obs = observation("lac-legal-status", "social-care", child, council, start, end);
		obs.setValue(new CodeableConcept(new Coding(BASE + "/CodeSystem/lac-legal-status", "C2", null)));
		return obs;
	}

	public static Observation fsm(Reference child, Reference school, String start) {
		Observation obs = observation("fsm-eligibility", "education", child, school, start, null);
		obs.setValue(new BooleanType(true));
		return obs;
	}

	public static Encounter contact(Reference child, Reference provider, String type, String agency, String start) {
		Encounter contact = new Encounter();
		contact.setStatus(Encounter.EncounterStatus.FINISHED);
		contact.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH", "home health"));
		contact.addType().addCoding().setSystem(BASE + "/CodeSystem/encounter-type").setCode(type);
		contact.getServiceType().addCoding().setSystem(AGENCY).setCode(agency);
		contact.setSubject(child);
		contact.setPeriod(new Period().setStartElement(new DateTimeType(start)));
		contact.setServiceProvider(provider);
		return contact;
	}

	/** A child on a school's roll from {@code start}; with {@code end}, taken off it then (status finished). */
	public static EpisodeOfCare enrolment(Reference child, Reference school, String start, String end) {
		EpisodeOfCare enrolment = new EpisodeOfCare()
				.setStatus(end == null ? EpisodeOfCare.EpisodeOfCareStatus.ACTIVE : EpisodeOfCare.EpisodeOfCareStatus.FINISHED)
				.setPatient(child).setManagingOrganization(school)
				.setPeriod(new Period().setStartElement(new DateTimeType(start)));
		enrolment.addType().addCoding().setSystem(BASE + "/CodeSystem/episode-type").setCode("school-enrolment");
		enrolment.addType().addCoding().setSystem(AGENCY).setCode("education");
		if (end != null) {
			enrolment.getPeriod().setEndElement(new DateTimeType(end));
		}
		return enrolment;
	}

	/** The child on a health visiting service's caseload from {@code start} (to {@code end}, null: still on it). */
	public static EpisodeOfCare healthVisiting(Reference child, Reference service, String start, String end) {
		EpisodeOfCare caseload = enrolment(child, service, start, end);
		caseload.getType().get(0).getCodingFirstRep().setCode("health-visiting");
		caseload.getType().get(1).getCodingFirstRep().setCode("health");
		return caseload;
	}

	/** A Healthy Child Programme review ({@code code} of hcp-review) by a health visiting service: finished, universal. */
	public static Encounter hcpReview(Reference child, Reference service, String code, String start) {
		Encounter review = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH", "home health"))
				.setSubject(child).setServiceProvider(service)
				.setPeriod(new Period().setStartElement(new DateTimeType(start)));
		review.addType().addCoding().setSystem(BASE + "/CodeSystem/hcp-review").setCode(code);
		review.getServiceType().addCoding().setSystem(AGENCY).setCode("health");
		review.addExtension(SD + "hcp-review-outcome", new CodeableConcept(
				new Coding(BASE + "/CodeSystem/hcp-review-outcome", "universal", null)));
		return review;
	}

	public static void count(Observation obs, String system, String code, int sessions) {
		obs.addComponent().setValue(new IntegerType(sessions)).getCode().addCoding().setSystem(system).setCode(code);
	}

	private static Observation observation(String code, String agency, Reference child, Reference performer,
			String start, String end) {
		Observation obs = new Observation();
		obs.setStatus(Observation.ObservationStatus.FINAL);
		obs.addCategory().addCoding().setSystem(AGENCY).setCode(agency);
		obs.getCode().addCoding().setSystem(OBSERVATION_CODE).setCode(code);
		obs.setSubject(child);
		obs.addPerformer(performer);
		Period period = new Period().setStartElement(new DateTimeType(start));
		if (end != null) {
			period.setEndElement(new DateTimeType(end));
		}
		obs.setEffective(period);
		return obs;
	}
}
