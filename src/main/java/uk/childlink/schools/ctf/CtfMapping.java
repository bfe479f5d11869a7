package uk.childlink.schools.ctf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.conformance.CodeLists;
import uk.childlink.identity.IdentifierSystems;
import uk.childlink.schools.imports.Directory;
import uk.childlink.schools.attendance.AttendanceCodes;
import uk.childlink.schools.attendance.AttendanceWeek;
import uk.childlink.schools.attendance.Session;

/**
 * Turns a checked CTF pupil into ChildLink's resources: the child (Patient, merged into the stored record when there
 * is one), and the SEN, free-school-meals, looked-after and attendance Observations, each with an identifier that
 * makes a second import of the same data find and leave it unchanged (see {@code docs/school-imports.md} for the mapping).
 */
final class CtfMapping {

	static final String RECORD = "https://fhir.childlink.uk/Id/ctf-record";
	static final String CTF_DATE = "https://fhir.childlink.uk/StructureDefinition/ctf-date";
	static final String SD = "https://fhir.childlink.uk/StructureDefinition/";
	static final String OBSERVATION_CODE = "https://fhir.childlink.uk/CodeSystem/observation-code";
	static final String AGENCY = CodeLists.AGENCY;
	static final String DFE_ETHNICITY = "https://fhir.childlink.uk/CodeSystem/dfe-ethnicity";
	static final String SEN_PROVISION = "https://fhir.childlink.uk/CodeSystem/sen-provision";

	private final CodeLists codeLists;
	private final AttendanceCodes attendanceCodes;

	CtfMapping(CodeLists codeLists, AttendanceCodes attendanceCodes) {
		this.codeLists = codeLists;
		this.attendanceCodes = attendanceCodes;
	}

	/** The date of the latest CTF imported into the child's record, if any. */
	static LocalDate ctfDate(Patient child) {
		return child.getExtension().stream().filter(e -> CTF_DATE.equals(e.getUrl()))
				.map(e -> e.getValue() instanceof DateType date && date.hasValue()
						? LocalDate.parse(date.getValueAsString().substring(0, 10)) : null)
				.filter(Objects::nonNull).findFirst().orElse(null);
	}

	/** Codes the pupil uses that ChildLink's code systems do not have. */
	List<String> codeProblems(CtfPupil pupil) {
		List<String> problems = new ArrayList<>();
		if (pupil.ethnicity() != null && !codeLists.contains(DFE_ETHNICITY, pupil.ethnicity())) {
			problems.add("Ethnicity '" + pupil.ethnicity() + "' is not a DfE ethnicity code (" + DFE_ETHNICITY + ")");
		}
		for (CtfPupil.Sen sen : pupil.sen()) {
			if (!codeLists.contains(SEN_PROVISION, sen.provision())) {
				problems.add("SENprovision '" + sen.provision() + "' is not E, K or N");
			}
		}
		return problems;
	}

	/** The school sending the file, for when it is not registered yet. */
	static Organization school(CtfHeader header) {
		Organization school = new Organization();
		school.getMeta().addProfile(SD + "school");
		school.addExtension(SD + "agency", new Coding(AGENCY, "education", null));
		school.addIdentifier().setSystem(Directory.URN_SYSTEM).setValue(header.sourceUrn());
		school.addType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "edu",
				"Educational Institute"));
		school.setName(header.sourceName() != null ? header.sourceName() : "School URN " + header.sourceUrn());
		return school;
	}

	/**
	 * The child as the CTF describes it, laid over the stored record (null for a new child): the CTF's identifiers
	 * are added (its UPN current, any other current UPN made former), the official name, preferred and former names,
	 * birth date, sex, home address and ethnicity replaced, contacts and telecoms added or updated by name/number.
	 * Everything else the record holds (the NHS number, other services' identifiers and data) is kept.
	 */
	Patient patient(Patient stored, CtfPupil p, CtfHeader header) {
		Patient child = stored == null ? new Patient() : stored.copy();
		child.getMeta().addProfile(SD + "child");
		child.getExtension().removeIf(e -> CTF_DATE.equals(e.getUrl()));
		child.addExtension(CTF_DATE, new DateType(header.asOf().toString()));
		for (Identifier id : child.getIdentifier()) {
			if (IdentifierSystems.UPN.equals(id.getSystem()) && !p.upn().equals(id.getValue())
					&& id.getUse() != Identifier.IdentifierUse.OLD) {
				id.setUse(Identifier.IdentifierUse.OLD);
			}
		}
		Identifier upn = identifier(child, IdentifierSystems.UPN, p.upn());
		upn.setUse(null);
		upn.removeExtension(IdentifierSystems.UPN_STATUS_EXTENSION);
		upn.addExtension(IdentifierSystems.UPN_STATUS_EXTENSION, new CodeType(p.temporaryUpn() ? "temporary" : "permanent"));
		for (String former : p.formerUpns()) {
			Identifier old = identifier(child, IdentifierSystems.UPN, former);
			old.setUse(Identifier.IdentifierUse.OLD);
			if (!old.hasExtension(IdentifierSystems.UPN_STATUS_EXTENSION)) {
				old.addExtension(IdentifierSystems.UPN_STATUS_EXTENSION,
						new CodeType(Character.isLetter(former.charAt(12)) ? "temporary" : "permanent"));
			}
		}
		if (p.uln() != null) { // a child has one ULN: a corrected one replaces it
			child.getIdentifier().removeIf(i -> IdentifierSystems.ULN.equals(i.getSystem()) && !p.uln().equals(i.getValue()));
			identifier(child, IdentifierSystems.ULN, p.uln());
		}

		child.getName().removeIf(n -> n.getUse() == HumanName.NameUse.OFFICIAL);
		HumanName official = new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(p.surname()).addGiven(p.forename());
		if (p.middleNames() != null) {
			for (String middle : p.middleNames().split("\\s+")) {
				official.addGiven(middle);
			}
		}
		child.getName().add(0, official);
		child.getName().removeIf(n -> n.getUse() == HumanName.NameUse.USUAL);
		if (p.preferredSurname() != null || p.preferredForename() != null) {
			HumanName usual = new HumanName().setUse(HumanName.NameUse.USUAL)
					.setFamily(Objects.requireNonNullElse(p.preferredSurname(), p.surname()))
					.addGiven(Objects.requireNonNullElse(p.preferredForename(), p.forename()));
			child.getName().add(1, usual);
		}
		if (p.formerSurname() != null && child.getName().stream().noneMatch(n -> n.getUse() == HumanName.NameUse.OLD
				&& p.formerSurname().equals(n.getFamily()))) {
			child.addName().setUse(HumanName.NameUse.OLD).setFamily(p.formerSurname());
		}
		child.setBirthDateElement(new DateType(p.birthDate().toString()));
		if (p.gender() != null) {
			child.setGender(AdministrativeGender.fromCode(p.gender()));
		}
		if (p.address() != null) {
			child.getAddress().removeIf(a -> a.getUse() == Address.AddressUse.HOME);
			Address home = new Address().setUse(Address.AddressUse.HOME);
			p.address().lines().forEach(home::addLine);
			home.setCity(p.address().town()).setDistrict(p.address().district())
					.setPostalCode(p.address().postcode()).setCountry(p.address().country());
			child.getAddress().add(0, home);
		}
		for (CtfPupil.Phone phone : p.phones()) {
			telecom(child.getTelecom(), ContactPoint.ContactPointSystem.PHONE, phone.number());
		}
		if (p.email() != null) {
			telecom(child.getTelecom(), ContactPoint.ContactPointSystem.EMAIL, p.email());
		}
		if (p.ethnicity() != null) {
			child.getExtension().removeIf(e -> (SD + "ethnicity").equals(e.getUrl()));
			child.addExtension(SD + "ethnicity", new CodeableConcept(new Coding(DFE_ETHNICITY, p.ethnicity(),
					codeLists.display(DFE_ETHNICITY, p.ethnicity()).orElse(null))));
		}
		for (CtfPupil.Contact c : p.contacts()) {
			Patient.ContactComponent contact = child.getContact().stream()
					.filter(k -> c.surname().equalsIgnoreCase(k.getName().getFamily())
							&& Objects.equals(c.forename(), k.getName().getGivenAsSingleString().isEmpty() ? null
									: k.getName().getGivenAsSingleString())
							&& Objects.equals(c.title(), k.getName().getPrefixAsSingleString().isEmpty() ? null
									: k.getName().getPrefixAsSingleString()))
					.findFirst()
					.orElseGet(child::addContact);
			HumanName name = new HumanName().setFamily(c.surname());
			if (c.forename() != null) {
				name.addGiven(c.forename());
			}
			if (c.title() != null) {
				name.addPrefix(c.title());
			}
			contact.setName(name);
			contact.getRelationship().clear();
			if (c.relationship() != null) {
				contact.addRelationship().setText(c.relationship());
			}
			if (c.responsibility()) {
				contact.addRelationship().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0131", "N",
						"Next-of-Kin")).setText("Has parental responsibility");
			}
			for (CtfPupil.Phone phone : c.phones()) {
				telecom(contact.getTelecom(), ContactPoint.ContactPointSystem.PHONE, phone.number());
			}
			if (c.email() != null) {
				telecom(contact.getTelecom(), ContactPoint.ContactPointSystem.EMAIL, c.email());
			}
		}
		return child;
	}

	private static Identifier identifier(Patient child, String system, String value) {
		return child.getIdentifier().stream()
				.filter(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))
				.findFirst()
				.orElseGet(() -> child.addIdentifier().setSystem(system).setValue(value));
	}

	private static void telecom(List<ContactPoint> telecoms, ContactPoint.ContactPointSystem system, String value) {
		if (telecoms.stream().noneMatch(t -> t.getSystem() == system && value.equals(t.getValue()))) {
			telecoms.add(new ContactPoint().setSystem(system).setValue(value));
		}
	}

	/** SEN, free school meals and looked-after records, keyed; {@code stored} are the child's earlier ones. */
	Map<String, Observation> records(CtfPupil p, CtfHeader header, String patientId, String schoolId,
			Map<String, Observation> stored) {
		Map<String, Observation> records = new TreeMap<>();
		for (CtfPupil.Sen sen : p.sen()) {
			String key = patientId + "-sen-" + sen.start();
			Observation obs = observation(key, "sen-provision", "education", patientId, schoolId);
			obs.getMeta().addProfile(SD + "sen-provision");
			obs.setEffective(new Period().setStartElement(day(sen.start())));
			obs.setValue(new CodeableConcept(new Coding(SEN_PROVISION, sen.provision(),
					codeLists.display(SEN_PROVISION, sen.provision()).orElse(null))));
			records.put(key, obs);
		}
		for (CtfPupil.Fsm fsm : p.fsm()) {
			String key = patientId + "-fsm-" + fsm.start();
			Observation obs = observation(key, "fsm-eligibility", "education", patientId, schoolId);
			obs.getMeta().addProfile(SD + "fsm-eligibility");
			Period period = new Period().setStartElement(day(fsm.start()));
			if (fsm.end() != null) {
				period.setEndElement(day(fsm.end()));
			}
			obs.setEffective(period);
			obs.setValue(new org.hl7.fhir.r4.model.BooleanType(true));
			records.put(key, obs);
		}
		lookedAfter(p, header, patientId, schoolId, stored, records);
		return records;
	}

	/**
	 * Looked-after episodes, one record each (key: child + start): the file's date starts one when the pupil is in
	 * care and none is open; a file saying the pupil is no longer in care ends the open one (never before it began:
	 * an older file changes nothing).
	 */
	private static void lookedAfter(CtfPupil p, CtfHeader header, String patientId, String schoolId,
			Map<String, Observation> stored, Map<String, Observation> records) {
		String prefix = patientId + "-looked-after-";
		Map.Entry<String, Observation> open = stored.entrySet().stream()
				.filter(e -> e.getKey().startsWith(prefix))
				.filter(e -> !(e.getValue().getEffective() instanceof Period period) || !period.hasEnd())
				.findFirst().orElse(null);
		if (Boolean.TRUE.equals(p.inCare()) && open == null) {
			String key = prefix + header.asOf();
			records.put(key, lookedAfter(key, p, header, patientId, schoolId, new Period().setStartElement(day(header.asOf()))));
		} else if (Boolean.TRUE.equals(p.inCare())) {
			records.put(open.getKey(), lookedAfter(open.getKey(), p, header, patientId, schoolId,
					open.getValue().getEffectivePeriod().copy()));
		} else if (Boolean.FALSE.equals(p.inCare()) && open != null) {
			Period period = open.getValue().getEffectivePeriod().copy();
			LocalDate start = LocalDate.parse(period.getStartElement().getValueAsString().substring(0, 10));
			if (!header.asOf().isBefore(start)) {
				period.setEndElement(day(header.asOf()));
			}
			records.put(open.getKey(), lookedAfter(open.getKey(), p, header, patientId, schoolId, period));
		}
	}

	private static Observation lookedAfter(String key, CtfPupil p, CtfHeader header, String patientId,
			String schoolId, Period period) {
		Observation obs = observation(key, "lac-legal-status", "social-care", patientId, schoolId);
		obs.getMeta().addProfile(SD + "looked-after");
		obs.getCode().addCoding(new Coding("http://snomed.info/sct", "764841000000100", "Looked after child"));
		obs.setEffective(period);
		obs.setDataAbsentReason(new CodeableConcept(new Coding(
				"http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown", "Unknown"))
				.setText("Legal status not given: a CTF says only whether the pupil is looked after"));
		obs.addNote().setText("Reported by the school (URN " + header.sourceUrn() + ") in a Common Transfer File"
				+ (p.careAuthority() != null ? ": looked after by local authority " + p.careAuthority() : ""));
		return obs;
	}

	/** The sending school's attendance totals of one year, when the CTF gives totals without marks. */
	Observation yearTotals(CtfPupil.YearData year, int startYear, LocalDate start, LocalDate end, String key,
			String patientId, String schoolId) {
		Observation obs = observation(key, "attendance-summary", "education", patientId, schoolId);
		obs.getMeta().addProfile(SD + "attendance");
		obs.setEffective(new Period().setStartElement(day(start)).setEndElement(day(end)));
		int possible = year.possible();
		if (possible > 0) {
			obs.setValue(new Quantity().setValue(BigDecimal.valueOf(year.attended() * 100L)
							.divide(BigDecimal.valueOf(possible), 1, RoundingMode.HALF_UP))
					.setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
		}
		component(obs, OBSERVATION_CODE, "possible-sessions", possible);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, "present", year.attended());
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, "approved-educational-activity", 0);
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, "authorised", year.authorised());
		component(obs, AttendanceCodes.CATEGORY_SYSTEM, "unauthorised", year.unauthorised());
		obs.addNote().setText("School year " + startYear + "/" + (startYear + 1) + " totals from a Common Transfer File: "
				+ "sessions attended include approved educational activity, which a CTF does not count apart");
		return obs;
	}

	/**
	 * The marks of a year as weeks: one mark per session from the start date, morning then afternoon, Monday to
	 * Friday (weekends are not in the string); the 2024 two-character codes (C1, C2, J1, Y1-Y7) are read as one mark
	 * and {@code -} is a session without a mark. Problems (an unknown code, a mark in the future) are added to
	 * {@code problems}.
	 */
	Map<LocalDate, AttendanceWeek> weeks(String marks, LocalDate start, LocalDate today, String what,
			List<String> problems) {
		Map<LocalDate, AttendanceWeek> weeks = new TreeMap<>();
		if (!AttendanceWeek.isWeekday(start)) {
			problems.add(what + ": AttendanceStartDate " + start + " is not a school day (Monday to Friday)");
			return weeks;
		}
		LocalDate day = start;
		Session session = Session.AM;
		int i = 0;
		int position = 0;
		while (i < marks.length()) {
			char c = marks.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
				continue;
			}
			boolean twoCharacters = i + 1 < marks.length() && Character.isDigit(marks.charAt(i + 1)) && "CJY".indexOf(c) >= 0;
			String code = marks.substring(i, i + (twoCharacters ? 2 : 1));
			i += code.length();
			position++;
			if (!code.equals("-")) {
				if (attendanceCodes.categoryOf(code).isEmpty()) {
					problems.add(what + ": mark " + position + " (" + day + " " + session + ") '" + code
							+ "' is not an attendance code");
				} else if (day.isAfter(today)) {
					problems.add(what + ": mark " + position + " is for " + day + ", in the future");
					return weeks;
				} else {
					weeks.computeIfAbsent(AttendanceWeek.monday(day), m -> new AttendanceWeek()).set(day, session, code);
				}
			}
			if (session == Session.AM) {
				session = Session.PM;
			} else {
				session = Session.AM;
				day = day.plusDays(1);
				while (!AttendanceWeek.isWeekday(day)) {
					day = day.plusDays(1);
				}
			}
		}
		return weeks;
	}

	private static Observation observation(String key, String code, String agency, String patientId, String schoolId) {
		Observation obs = new Observation();
		obs.addIdentifier().setSystem(RECORD).setValue(key);
		obs.setStatus(Observation.ObservationStatus.FINAL);
		obs.addCategory().addCoding(new Coding(AGENCY, agency, null));
		obs.getCode().addCoding(new Coding(OBSERVATION_CODE, code, null));
		obs.setSubject(new Reference("Patient/" + patientId));
		obs.addPerformer(new Reference("Organization/" + schoolId));
		return obs;
	}

	private static void component(Observation obs, String system, String code, int count) {
		obs.addComponent().setCode(new CodeableConcept(new Coding(system, code, null))).setValue(new IntegerType(count));
	}

	private static DateTimeType day(LocalDate date) {
		return new DateTimeType(date.toString());
	}
}
