import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * Synthea-style transaction bundles, sent by one client: what a health system's export or a Synthea-generated test
 * population looks like to a FHIR server (issue 18 measured 25 Synthea children, 27 bundles). The shape is Synthea's R4
 * output: a bundle of the organisations and locations and one of the practitioners, created conditionally on their
 * identifiers, then one bundle per child with its whole record: every encounter (well-child reviews on the schedule,
 * illnesses) with its vital signs, immunisations, conditions, procedures, medication requests, a note as
 * DiagnosticReport and DocumentReference, and the encounter's Claim and ExplanationOfBenefit (with contained Coverage
 * and referral); entries POSTed with urn:uuid full URLs, practitioners and organisations referred to by conditional
 * references. English identifiers (999-range NHS numbers, ODS codes) and invented names; no ChildLink profile claimed.
 *
 * <pre>
 * synthea BASE TOKEN CHILDREN SEED AS_OF OUT_DIR [PREFIX]   (compiled with Bench.java; figures appended to
 *     OUT_DIR/metrics as PREFIX.*, synthea.* by default)
 * </pre>
 */
public final class Synthea {

	static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
	static final String GMC = "https://fhir.hl7.org.uk/Id/gmc-number";
	static final String LOCATION_ID = "https://github.com/synthetichealth/synthea";
	static final String SNOMED = "http://snomed.info/sct";
	static final String LOINC = "http://loinc.org";
	static final int HOSPITALS = 6;
	static final int PRACTITIONERS = 18;
	/** Well-child reviews, by age in months (Synthea's schedule). */
	static final int[] REVIEWS = {0, 1, 2, 4, 6, 9, 12, 15, 18, 24, 30, 36, 48, 60, 72, 84, 96, 108, 120, 132, 144, 156,
			168, 180, 192, 204};
	/** Immunisations given at a review's age in months: {age, CVX code, display}. */
	static final String[][] VACCINES = {{"0", "08", "Hep B, adolescent or pediatric"}, {"2", "20", "DTaP"},
			{"2", "10", "IPV"}, {"2", "49", "Hib (PRP-OMP)"}, {"2", "133", "Pneumococcal conjugate PCV 13"},
			{"2", "119", "rotavirus, monovalent"}, {"4", "20", "DTaP"}, {"4", "10", "IPV"}, {"4", "133", "Pneumococcal conjugate PCV 13"},
			{"12", "03", "MMR"}, {"12", "49", "Hib (PRP-OMP)"}, {"12", "133", "Pneumococcal conjugate PCV 13"},
			{"12", "121", "meningococcal B"}, {"36", "03", "MMR"}, {"36", "20", "DTaP"}, {"144", "62", "HPV, quadrivalent"},
			{"168", "113", "Td (adult) preservative free"}, {"168", "114", "meningococcal MCV4P"}};
	/** Illnesses: {SNOMED code, display, medication SNOMED code, medication display}. */
	static final String[][] ILLNESSES = {{"444814009", "Viral sinusitis (disorder)", "322236009", "Paracetamol 500mg tablets"},
			{"195662009", "Acute viral pharyngitis (disorder)", "322236009", "Paracetamol 500mg tablets"},
			{"10509002", "Acute bronchitis (disorder)", "39732311000001104", "Amoxicillin 250mg capsules"},
			{"65363002", "Otitis media (disorder)", "39732311000001104", "Amoxicillin 250mg capsules"},
			{"43878008", "Streptococcal sore throat (disorder)", "323509004", "Phenoxymethylpenicillin 250mg tablets"}};

	private final SplittableRandom random;
	private final LocalDate asOf;
	private final long seed;
	private int serial;

	Synthea(long seed, LocalDate asOf) {
		this.seed = seed;
		this.random = new SplittableRandom(seed);
		this.asOf = asOf;
	}

	public static void main(String[] args) throws Exception {
		String base = args[0];
		String token = args[1];
		int children = Integer.parseInt(args[2]);
		if (children > 250) {
			throw new IllegalArgumentException("at most 250 children a seed (their NHS numbers)");
		}
		Synthea world = new Synthea(Long.parseLong(args[3]), LocalDate.parse(args[4]));
		Bench.Metrics metrics = new Bench.Metrics(Path.of(args[5]).resolve("metrics"));
		String prefix = args.length > 6 ? args[6] : "synthea";
		List<Bundle> bundles = new ArrayList<>();
		bundles.add(world.hospitals());
		bundles.add(world.practitioners());
		for (int i = 0; i < children; i++) {
			bundles.add(world.child(i));
		}
		long resources = 0;
		int errors = 0;
		long[] millis = new long[bundles.size()];
		long start = System.nanoTime();
		for (int i = 0; i < bundles.size(); i++) {
			long t0 = System.nanoTime();
			try {
				Bench.post(base, token, bundles.get(i).json());
				resources += bundles.get(i).resources();
			} catch (IOException e) {
				errors++;
				System.out.println("  synthea bundle " + i + ": " + e.getMessage());
			}
			millis[i] = (System.nanoTime() - t0) / 1_000_000;
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		long[] sorted = millis.clone();
		java.util.Arrays.sort(sorted);
		metrics.put(prefix + ".bundles", bundles.size());
		metrics.put(prefix + ".resources", resources);
		metrics.put(prefix + ".errors", errors);
		metrics.put(prefix + ".seconds", elapsed);
		metrics.put(prefix + ".resources_per_second", resources / elapsed);
		metrics.put(prefix + ".bundle_p50_ms", Bench.percentile(sorted, 50));
		System.out.printf(Locale.ROOT, "synthea-style: %,d resources in %d bundles (one client) in %.1f s = %.0f resources/s, %d errors%n",
				resources, bundles.size(), elapsed, resources / elapsed, errors);
	}

	// -------------------------------------------------------------------------------------------- the bundles

	/** A transaction bundle and the number of resources in it. */
	record Bundle(String json, int resources) {}

	Bundle hospitals() {
		List<String> entries = new ArrayList<>();
		for (int h = 0; h < HOSPITALS; h++) {
			String ods = ods(h);
			entries.add(entry("Organization", "{\"resourceType\":\"Organization\",\"identifier\":[{\"system\":\"" + ODS
					+ "\",\"value\":\"" + ods + "\"}],\"active\":true,\"type\":[{\"coding\":[{\"system\":"
					+ "\"http://terminology.hl7.org/CodeSystem/organization-type\",\"code\":\"prov\",\"display\":"
					+ "\"Healthcare Provider\"}],\"text\":\"Healthcare Provider\"}],\"name\":\"Northby Health Centre " + h
					+ "\",\"telecom\":[{\"system\":\"phone\",\"value\":\"0115 496 0" + (100 + h) + "\"}],\"address\":[{\"line\":[\""
					+ (10 + h) + " Market Street\"],\"city\":\"Northby\",\"postalCode\":\"NB" + (h + 1) + " 1AA\",\"country\":\"GB\"}]}",
					"identifier=" + ODS + "|" + ods));
			entries.add(entry("Location", "{\"resourceType\":\"Location\",\"identifier\":[{\"system\":\"" + LOCATION_ID
					+ "\",\"value\":\"loc-" + ods + "\"}],\"status\":\"active\",\"name\":\"Northby Health Centre " + h
					+ "\",\"telecom\":[{\"system\":\"phone\",\"value\":\"0115 496 0" + (100 + h) + "\"}],\"address\":{\"line\":[\""
					+ (10 + h) + " Market Street\"],\"city\":\"Northby\",\"postalCode\":\"NB" + (h + 1) + " 1AA\",\"country\":\"GB\"},"
					+ "\"position\":{\"longitude\":-1.1" + h + ",\"latitude\":52.9" + h + "},\"managingOrganization\":{\"reference\":\""
					+ "Organization?identifier=" + ODS + "|" + ods + "\"}}", "identifier=" + LOCATION_ID + "|loc-" + ods));
		}
		return new Bundle(bundle(entries), entries.size());
	}

	Bundle practitioners() {
		List<String> entries = new ArrayList<>();
		for (int p = 0; p < PRACTITIONERS; p++) {
			String gmc = gmc(p);
			entries.add(entry("Practitioner", "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"" + GMC
					+ "\",\"value\":\"" + gmc + "\"}],\"active\":true,\"name\":[{\"family\":\"" + FAMILIES[p % FAMILIES.length]
					+ "\",\"given\":[\"" + GIVEN[(p * 7) % GIVEN.length] + "\"],\"prefix\":[\"Dr.\"]}],\"telecom\":[{\"system\":"
					+ "\"email\",\"value\":\"doctor" + p + "@northby.example.org\",\"use\":\"work\"}],\"gender\":\""
					+ (p % 2 == 0 ? "female" : "male") + "\"}", "identifier=" + GMC + "|" + gmc));
			entries.add(entry("PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"reference\":\""
					+ "Practitioner?identifier=" + GMC + "|" + gmc + "\"},\"organization\":{\"reference\":\"Organization?identifier="
					+ ODS + "|" + ods(p % HOSPITALS) + "\"},\"code\":[{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\","
					+ "\"code\":\"208D00000X\",\"display\":\"General Practice\"}]}],\"specialty\":[{\"coding\":[{\"system\":\""
					+ SNOMED + "\",\"code\":\"394814009\",\"display\":\"General practice\"}]}]}", null));
		}
		return new Bundle(bundle(entries), entries.size());
	}

	/** Child {@code index}'s whole record, as one transaction. */
	Bundle child(int index) {
		List<String> entries = new ArrayList<>();
		int months = 6 + random.nextInt(17 * 12);
		LocalDate born = asOf.minusMonths(months).minusDays(random.nextInt(28));
		boolean girl = random.nextBoolean();
		int hospital = index % HOSPITALS;
		String patient = urn();
		// 999 range, above the main load's (999_000_000 on); 400 seeds of 250 children, four stems a child (one of any
		// four consecutive stems has a valid check digit)
		String nhs = null;
		for (long stem = 999_500_000L + Math.floorMod(seed, 400) * 1_000L + 4L * index; nhs == null; stem++) {
			nhs = Bench.nhsNumber(stem);
		}
		if (nhs.length() != 10 || !nhs.startsWith("999")) {
			throw new IllegalStateException("not a 999-range NHS number: " + nhs);
		}
		String given = GIVEN[random.nextInt(GIVEN.length)];
		String family = FAMILIES[random.nextInt(FAMILIES.length)];
		entries.add(entry(patient, "Patient", "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":"
				+ "\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Generated by a Synthea-style generator</div>\"},"
				+ "\"identifier\":[{\"system\":\"" + LOCATION_ID + "\",\"value\":\"" + patient.substring(9) + "\"},{\"system\":\""
				+ Bench.NHS + "\",\"value\":\"" + nhs + "\"}],\"name\":[{\"use\":\"official\",\"family\":\"" + family
				+ "\",\"given\":[\"" + given + "\"]}],\"telecom\":[{\"system\":\"phone\",\"value\":\"07700 900" + String.format("%03d", index % 1000)
				+ "\",\"use\":\"home\"}],\"gender\":\"" + (girl ? "female" : "male") + "\",\"birthDate\":\"" + born
				+ "\",\"address\":[{\"line\":[\"" + (1 + index % 90) + " Chapel Lane\"],\"city\":\"Northby\",\"postalCode\":\"NB"
				+ (1 + index % 9) + " 2BB\",\"country\":\"GB\"}],\"maritalStatus\":{\"coding\":[{\"system\":"
				+ "\"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus\",\"code\":\"S\",\"display\":\"Never Married\"}]},"
				+ "\"multipleBirthBoolean\":false,\"communication\":[{\"language\":{\"coding\":[{\"system\":\"urn:ietf:bcp:47\","
				+ "\"code\":\"en-GB\",\"display\":\"English (United Kingdom)\"}]}}]}", null));
		double height = 50;
		double weight = 3.4;
		for (int age : REVIEWS) {
			if (age > months) {
				break;
			}
			LocalDateTime at = born.plusMonths(age).plusDays(age == 0 ? 3 : random.nextInt(10)).atTime(9 + random.nextInt(7), 0);
			height = grownHeight(age, girl);
			weight = grownWeight(age, girl);
			encounter(entries, patient, hospital, at, age, height, weight, null);
			if (random.nextInt(3) == 0) { // an illness in the year after this review
				String[] illness = ILLNESSES[random.nextInt(ILLNESSES.length)];
				LocalDateTime ill = at.plusDays(20 + random.nextInt(200));
				if (ill.toLocalDate().isBefore(asOf)) {
					encounter(entries, patient, hospital, ill, age, height, weight, illness);
				}
			}
		}
		return new Bundle(bundle(entries), entries.size());
	}

	/** One encounter and what it records: a review (illness null) or an illness. */
	private void encounter(List<String> entries, String patient, int hospital, LocalDateTime at, int ageMonths,
			double height, double weight, String[] illness) {
		String encounter = urn();
		String practitioner = "Practitioner?identifier=" + GMC + "|" + gmc(hospital * 3 + random.nextInt(3));
		String organisation = "Organization?identifier=" + ODS + "|" + ods(hospital);
		String start = at + ":00+00:00";
		String end = at.plusMinutes(15 + random.nextInt(30)) + ":00+00:00";
		String type = illness == null ? coding(SNOMED, "410620009", "Well child visit (procedure)")
				: coding(SNOMED, "185345009", "Encounter for symptom (procedure)");
		entries.add(entry(encounter, "Encounter", "{\"resourceType\":\"Encounter\",\"identifier\":[{\"use\":\"official\","
				+ "\"system\":\"" + LOCATION_ID + "\",\"value\":\"" + encounter.substring(9) + "\"}],\"status\":\"finished\","
				+ "\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},\"type\":[{"
				+ "\"coding\":[" + type + "]}],\"subject\":{\"reference\":\"" + patient + "\"},\"participant\":[{\"type\":[{"
				+ "\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PPRF\","
				+ "\"display\":\"primary performer\"}]}],\"period\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"},"
				+ "\"individual\":{\"reference\":\"" + practitioner + "\"}}],\"period\":{\"start\":\"" + start + "\",\"end\":\""
				+ end + "\"}" + (illness == null ? "" : ",\"reasonCode\":[{\"coding\":[" + coding(SNOMED, illness[0], illness[1])
				+ "]}]") + ",\"location\":[{\"location\":{\"reference\":\"Location?identifier=" + LOCATION_ID + "|loc-"
				+ ods(hospital) + "\"}}],\"serviceProvider\":{\"reference\":\"" + organisation + "\"}}", null));
		List<String> results = new ArrayList<>();
		List<String> diagnoses = new ArrayList<>();
		List<String> items = new ArrayList<>();
		items.add(coding(SNOMED, illness == null ? "410620009" : "185345009", illness == null ? "Well child visit (procedure)"
				: "Encounter for symptom (procedure)"));
		// vital signs, as Synthea records them at each encounter
		results.add(vital(entries, patient, encounter, start, "8302-2", "Body Height", height, "cm"));
		results.add(vital(entries, patient, encounter, start, "29463-7", "Body Weight", weight, "kg"));
		if (ageMonths <= 36) {
			results.add(vital(entries, patient, encounter, start, "9843-4", "Head Occipital-frontal circumference",
					35 + ageMonths * 0.35, "cm"));
		} else {
			double bmi = weight / (height / 100) / (height / 100);
			results.add(vital(entries, patient, encounter, start, "39156-5", "Body Mass Index", bmi, "kg/m2"));
			results.add(bloodPressure(entries, patient, encounter, start));
		}
		results.add(vital(entries, patient, encounter, start, "8867-4", "Heart rate", 70 + random.nextInt(50), "/min"));
		results.add(vital(entries, patient, encounter, start, "9279-1", "Respiratory rate", 14 + random.nextInt(16), "/min"));
		if (illness == null) {
			for (String[] vaccine : VACCINES) {
				if (Integer.parseInt(vaccine[0]) == ageMonths) {
					entries.add(entry(urn(), "Immunization", "{\"resourceType\":\"Immunization\",\"status\":\"completed\","
							+ "\"vaccineCode\":{\"coding\":[" + coding("http://hl7.org/fhir/sid/cvx", vaccine[1], vaccine[2])
							+ "],\"text\":\"" + vaccine[2] + "\"},\"patient\":{\"reference\":\"" + patient + "\"},\"encounter\":{"
							+ "\"reference\":\"" + encounter + "\"},\"occurrenceDateTime\":\"" + start + "\",\"primarySource\":true}",
							null));
					items.add(coding("http://hl7.org/fhir/sid/cvx", vaccine[1], vaccine[2]));
				}
			}
		} else {
			String condition = urn();
			entries.add(entry(condition, "Condition", "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{"
					+ "\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"resolved\"}]},"
					+ "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\","
					+ "\"code\":\"confirmed\"}]},\"category\":[{\"coding\":[{\"system\":"
					+ "\"http://terminology.hl7.org/CodeSystem/condition-category\",\"code\":\"encounter-diagnosis\","
					+ "\"display\":\"Encounter Diagnosis\"}]}],\"code\":{\"coding\":[" + coding(SNOMED, illness[0], illness[1])
					+ "],\"text\":\"" + illness[1] + "\"},\"subject\":{\"reference\":\"" + patient + "\"},\"encounter\":{"
					+ "\"reference\":\"" + encounter + "\"},\"onsetDateTime\":\"" + start + "\",\"abatementDateTime\":\""
					+ at.plusDays(10) + ":00+00:00\",\"recordedDate\":\"" + start + "\"}", null));
			diagnoses.add(condition);
			entries.add(entry(urn(), "MedicationRequest", "{\"resourceType\":\"MedicationRequest\",\"status\":\"stopped\","
					+ "\"intent\":\"order\",\"medicationCodeableConcept\":{\"coding\":[" + coding(SNOMED, illness[2], illness[3])
					+ "],\"text\":\"" + illness[3] + "\"},\"subject\":{\"reference\":\"" + patient + "\"},\"encounter\":{"
					+ "\"reference\":\"" + encounter + "\"},\"authoredOn\":\"" + start + "\",\"requester\":{\"reference\":\""
					+ practitioner + "\"},\"reasonReference\":[{\"reference\":\"" + condition + "\"}],\"dosageInstruction\":[{"
					+ "\"sequence\":1,\"text\":\"Take one three times a day\",\"timing\":{\"repeat\":{\"frequency\":3,\"period\":1,"
					+ "\"periodUnit\":\"d\"}},\"asNeededBoolean\":false,\"doseAndRate\":[{\"doseQuantity\":{\"value\":1}}]}]}", null));
			items.add(coding(SNOMED, illness[2], illness[3]));
			if (random.nextInt(2) == 0) {
				entries.add(entry(urn(), "Procedure", "{\"resourceType\":\"Procedure\",\"status\":\"completed\",\"code\":{"
						+ "\"coding\":[" + coding(SNOMED, "117015009", "Throat culture (procedure)") + "]},\"subject\":{"
						+ "\"reference\":\"" + patient + "\"},\"encounter\":{\"reference\":\"" + encounter + "\"},"
						+ "\"performedPeriod\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"},\"reasonReference\":[{"
						+ "\"reference\":\"" + condition + "\"}]}", null));
				items.add(coding(SNOMED, "117015009", "Throat culture (procedure)"));
			}
		}
		String note = "Child seen " + (illness == null ? "for review at " + ageMonths + " months" : "with " + illness[1])
				+ ". Growth and development recorded; plan discussed with parent.";
		String noteData = Base64.getEncoder().encodeToString(note.getBytes(StandardCharsets.UTF_8));
		entries.add(entry(urn(), "DiagnosticReport", "{\"resourceType\":\"DiagnosticReport\",\"status\":\"final\","
				+ "\"category\":[{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"34117-2\",\"display\":\"History and physical note\"}]}],"
				+ "\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"34117-2\",\"display\":\"History and physical note\"}]},"
				+ "\"subject\":{\"reference\":\"" + patient + "\"},\"encounter\":{\"reference\":\"" + encounter + "\"},"
				+ "\"effectiveDateTime\":\"" + start + "\",\"issued\":\"" + start + "\",\"performer\":[{\"reference\":\""
				+ practitioner + "\"}],\"result\":[" + references(results) + "],\"presentedForm\":[{\"contentType\":"
				+ "\"text/plain; charset=utf-8\",\"data\":\"" + noteData + "\"}]}", null));
		entries.add(entry(urn(), "DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
				+ "\"type\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"34117-2\",\"display\":\"History and physical note\"}]},"
				+ "\"subject\":{\"reference\":\"" + patient + "\"},\"date\":\"" + start + "\",\"author\":[{\"reference\":\""
				+ practitioner + "\"}],\"custodian\":{\"reference\":\"" + organisation + "\"},\"content\":[{\"attachment\":{"
				+ "\"contentType\":\"text/plain; charset=utf-8\",\"data\":\"" + noteData + "\"},\"format\":{\"system\":"
				+ "\"http://ihe.net/fhir/ValueSet/IHE.FormatCode.codesystem\",\"code\":\"urn:ihe:iti:xds:2017:mimeTypeSufficient\"}}],"
				+ "\"context\":{\"encounter\":[{\"reference\":\"" + encounter + "\"}],\"period\":{\"start\":\"" + start + "\",\"end\":\""
				+ end + "\"}}}", null));
		claim(entries, patient, encounter, practitioner, organisation, start, end, items, diagnoses);
	}

	private void claim(List<String> entries, String patient, String encounter, String practitioner, String organisation,
			String start, String end, List<String> items, List<String> diagnoses) {
		String claim = urn();
		StringJoiner claimItems = new StringJoiner(",");
		StringJoiner eobItems = new StringJoiner(",");
		double total = 0;
		for (int i = 0; i < items.size(); i++) {
			double cost = 50 + random.nextInt(300);
			total += cost;
			claimItems.add("{\"sequence\":" + (i + 1) + ",\"productOrService\":{\"coding\":[" + items.get(i) + "]},"
					+ "\"encounter\":[{\"reference\":\"" + encounter + "\"}],\"net\":{\"value\":" + cost + ",\"currency\":\"GBP\"}}");
			eobItems.add("{\"sequence\":" + (i + 1) + ",\"productOrService\":{\"coding\":[" + items.get(i) + "]},"
					+ "\"servicedPeriod\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"},\"encounter\":[{\"reference\":\""
					+ encounter + "\"}],\"net\":{\"value\":" + cost + ",\"currency\":\"GBP\"},\"adjudication\":[{\"category\":{"
					+ "\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/adjudication\",\"code\":\"submitted\"}]},"
					+ "\"amount\":{\"value\":" + cost + ",\"currency\":\"GBP\"}}]}");
		}
		StringJoiner claimDiagnoses = new StringJoiner(",");
		for (int i = 0; i < diagnoses.size(); i++) {
			claimDiagnoses.add("{\"sequence\":" + (i + 1) + ",\"diagnosisReference\":{\"reference\":\"" + diagnoses.get(i) + "\"}}");
		}
		String claimType = "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"professional\"}]}";
		entries.add(entry(claim, "Claim", "{\"resourceType\":\"Claim\",\"status\":\"active\",\"type\":" + claimType
				+ ",\"use\":\"claim\",\"patient\":{\"reference\":\"" + patient + "\"},\"billablePeriod\":{\"start\":\"" + start
				+ "\",\"end\":\"" + end + "\"},\"created\":\"" + end + "\",\"provider\":{\"reference\":\"" + organisation + "\"},"
				+ "\"priority\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/processpriority\",\"code\":\"normal\"}]},"
				+ (diagnoses.isEmpty() ? "" : "\"diagnosis\":[" + claimDiagnoses + "],")
				+ "\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"display\":\"NHS\"}}],\"item\":[" + claimItems
				+ "],\"total\":{\"value\":" + total + ",\"currency\":\"GBP\"}}", null));
		entries.add(entry(urn(), "ExplanationOfBenefit", "{\"resourceType\":\"ExplanationOfBenefit\",\"contained\":[{"
				+ "\"resourceType\":\"ServiceRequest\",\"id\":\"referral\",\"status\":\"completed\",\"intent\":\"order\","
				+ "\"subject\":{\"reference\":\"" + patient + "\"},\"requester\":{\"reference\":\"" + practitioner + "\"},"
				+ "\"performer\":[{\"reference\":\"" + practitioner + "\"}]},{\"resourceType\":\"Coverage\",\"id\":\"coverage\","
				+ "\"status\":\"active\",\"type\":{\"text\":\"NHS\"},\"beneficiary\":{\"reference\":\"" + patient + "\"},"
				+ "\"payor\":[{\"display\":\"NHS\"}]}],\"identifier\":[{\"system\":\"" + LOCATION_ID + "\",\"value\":\""
				+ claim.substring(9) + "\"}],\"status\":\"active\",\"type\":" + claimType + ",\"use\":\"claim\",\"patient\":{"
				+ "\"reference\":\"" + patient + "\"},\"billablePeriod\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"},"
				+ "\"created\":\"" + end + "\",\"insurer\":{\"display\":\"NHS\"},\"provider\":{\"reference\":\"" + practitioner
				+ "\"},\"referral\":{\"reference\":\"#referral\"},\"claim\":{\"reference\":\"" + claim + "\"},\"outcome\":\"complete\","
				+ "\"careTeam\":[{\"sequence\":1,\"provider\":{\"reference\":\"" + practitioner + "\"},\"role\":{\"coding\":[{"
				+ "\"system\":\"http://terminology.hl7.org/CodeSystem/claimcareteamrole\",\"code\":\"primary\"}]}}],"
				+ "\"insurance\":[{\"focal\":true,\"coverage\":{\"reference\":\"#coverage\",\"display\":\"NHS\"}}],\"item\":["
				+ eobItems + "],\"total\":[{\"category\":{\"coding\":[{\"system\":"
				+ "\"http://terminology.hl7.org/CodeSystem/adjudication\",\"code\":\"submitted\"}]},\"amount\":{\"value\":" + total
				+ ",\"currency\":\"GBP\"}}],\"payment\":{\"amount\":{\"value\":0.0,\"currency\":\"GBP\"}}}", null));
	}

	private String vital(List<String> entries, String patient, String encounter, String at, String loinc, String display,
			double value, String unit) {
		String id = urn();
		entries.add(entry(id, "Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"," + VITAL_SIGNS
				+ ",\"code\":{\"coding\":[" + coding(LOINC, loinc, display) + "],\"text\":\"" + display + "\"},\"subject\":{"
				+ "\"reference\":\"" + patient + "\"},\"encounter\":{\"reference\":\"" + encounter + "\"},\"effectiveDateTime\":\""
				+ at + "\",\"issued\":\"" + at.replace("+00:00", ".000+00:00") + "\",\"valueQuantity\":" + quantity(value, unit)
				+ "}", null));
		return id;
	}

	private String bloodPressure(List<String> entries, String patient, String encounter, String at) {
		String id = urn();
		entries.add(entry(id, "Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\"," + VITAL_SIGNS
				+ ",\"code\":{\"coding\":[" + coding(LOINC, "85354-9", "Blood pressure panel with all children optional")
				+ "],\"text\":\"Blood pressure panel with all children optional\"},\"subject\":{\"reference\":\"" + patient
				+ "\"},\"encounter\":{\"reference\":\"" + encounter + "\"},\"effectiveDateTime\":\"" + at + "\",\"issued\":\""
				+ at.replace("+00:00", ".000+00:00") + "\",\"component\":[{\"code\":{\"coding\":["
				+ coding(LOINC, "8462-4", "Diastolic Blood Pressure") + "]},\"valueQuantity\":" + quantity(55 + random.nextInt(30), "mm[Hg]")
				+ "},{\"code\":{\"coding\":[" + coding(LOINC, "8480-6", "Systolic Blood Pressure") + "]},\"valueQuantity\":"
				+ quantity(95 + random.nextInt(35), "mm[Hg]") + "}]}", null));
		return id;
	}

	// -------------------------------------------------------------------------------------------- helpers

	static final String VITAL_SIGNS = "\"category\":[{\"coding\":[{\"system\":"
			+ "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\",\"display\":\"vital-signs\"}]}]";
	static final String[] GIVEN = {"Amara", "Oliver", "Isla", "Jayden", "Freya", "Kofi", "Maisie", "Rohan", "Elsie", "Tomasz",
			"Niamh", "Idris", "Poppy", "Zain", "Ffion", "Arlo"};
	static final String[] FAMILIES = {"Ashworth", "Okafor", "Pennick", "Varley", "Hussain", "Tregarthen", "Mbeki",
			"Lindqvist", "Oduya", "Castell", "Brannigan", "Whitlow"};

	private String urn() {
		return "urn:uuid:" + String.format("%08x-5e7a-4000-8000-%012x", 0x5e7a0000 + serial / 1_000_000, ++serial);
	}

	static String ods(int hospital) {
		return "NB" + (100 + hospital);
	}

	static String gmc(int practitioner) {
		return "7" + String.format("%06d", 100 + practitioner);
	}

	static String coding(String system, String code, String display) {
		return "{\"system\":\"" + system + "\",\"code\":\"" + code + "\",\"display\":\"" + display + "\"}";
	}

	static String quantity(double value, String unit) {
		return String.format(Locale.ROOT, "{\"value\":%.1f,\"unit\":\"%s\",\"system\":\"http://unitsofmeasure.org\","
				+ "\"code\":\"%s\"}", value, unit, unit);
	}

	static String references(List<String> ids) {
		StringJoiner j = new StringJoiner(",");
		ids.forEach(id -> j.add("{\"reference\":\"" + id + "\"}"));
		return j.toString();
	}

	/** Median height (cm) at an age in months: a smooth approximation of the UK-WHO growth charts. */
	static double grownHeight(int months, boolean girl) {
		double years = months / 12.0;
		double h = years < 2 ? 50 + 37 * Math.sqrt(years / 2) : 87 + 6.2 * (years - 2);
		return Math.min(h, girl ? 163 : 176);
	}

	static double grownWeight(int months, boolean girl) {
		double years = months / 12.0;
		double w = years < 2 ? 3.4 + 8.8 * Math.sqrt(years / 2) : 12.2 + 2.6 * (years - 2) + (years > 10 ? 2.2 * (years - 10) : 0);
		return girl ? w * 0.97 : w;
	}

	private String entry(String type, String resource, String ifNoneExist) {
		return entry(urn(), type, resource, ifNoneExist);
	}

	private static String entry(String fullUrl, String type, String resource, String ifNoneExist) {
		return Bench.entry(fullUrl, resource, type, ifNoneExist);
	}

	static String bundle(List<String> entries) {
		return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
	}
}
