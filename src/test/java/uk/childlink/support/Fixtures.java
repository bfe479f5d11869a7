package uk.childlink.support;

import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/** Synthetic test data only: NHS numbers from the 999 test range with valid check digits, invented names. */
public final class Fixtures {

	public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

	/** Start somewhere different on each run, so that reruns against a kept database do not collide. */
	private static final AtomicLong NEXT = new AtomicLong(9_990_000_000L / 10 + (System.nanoTime() & 0x7FFFF));

	private Fixtures() {}

	/** The next unused NHS number of the 999 range whose Modulus 11 check digit is valid. */
	public static String nextNhsNumber() {
		while (true) {
			String nine = Long.toString(NEXT.getAndIncrement());
			int sum = 0;
			for (int i = 0; i < 9; i++) {
				sum += (nine.charAt(i) - '0') * (10 - i);
			}
			int check = 11 - (sum % 11);
			if (check == 11) {
				check = 0;
			}
			if (check != 10) {
				return nine + check;
			}
		}
	}

	public static Patient child(String nhsNumber, String family, String given, String birthDate) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(NHS_NUMBER_SYSTEM).setValue(nhsNumber);
		patient.addName().setFamily(family).getGiven().add(new StringType(given));
		patient.setGender(AdministrativeGender.FEMALE);
		patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
		return patient;
	}

	/** A plain LOINC body-weight observation: enough to exercise references, chains and includes. */
	public static Observation weight(Reference subject, double kg) {
		Observation obs = new Observation();
		obs.setStatus(Observation.ObservationStatus.FINAL);
		obs.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7").setDisplay("Body weight");
		obs.setSubject(subject);
		obs.getValueQuantity().setValue(kg).setUnit("kg").setSystem("http://unitsofmeasure.org").setCode("kg");
		return obs;
	}
}
