import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of bench/run.sh: a deterministic generator of synthetic children, the load phase and the query phase
 * against a running server, and the report. Plain JDK (run as {@code java bench/Bench.java ...}), so that it measures
 * the server and nothing of ours sits between.
 *
 * <pre>
 * load BASE TOKEN CHILDREN SEED AS_OF CLIENTS PER_BUNDLE LIMIT OUT_DIR SERVER_PID DATA_DIR
 *     generates the world (councils, schools, health trusts, children with a school year of records), sends it as
 *     transaction bundles from CLIENTS concurrent clients (at most LIMIT children; 0 = all), writes the children's
 *     ids to OUT_DIR/children.tsv and the figures to OUT_DIR/metrics
 * query BASE JAR DATA_DIR OUT_DIR SERVER_PID USERS SECONDS SEED AS_OF
 *     for each query kind in turn, USERS concurrent users for SECONDS, each as the organisation a practitioner asking
 *     it would act for (tokens from the server's development issuer); figures to OUT_DIR/metrics. With PLAIN_HAPI=1
 *     (the server is the jar as plain HAPI FHIR) the questions only ChildLink can answer are not asked
 * report OUT_DIR TUNED_DIR BASELINE_DIR [RELEASE_DIR [AFRESH_DIR]]
 *     results.json, results.md and the SVG charts from the runs' metrics (AFRESH_DIR: plain HAPI's answers with every
 *     search run afresh)
 * </pre>
 */
public class Bench {

	static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
	static final String UPN = "https://fhir.childlink.uk/Id/upn";
	static final String URN = "https://fhir.hl7.org.uk/Id/urn-school-number";
	static final String LA = "https://fhir.childlink.uk/Id/la-number";
	static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
	static final String CS = "https://fhir.childlink.uk/CodeSystem/";
	static final String SD = "https://fhir.childlink.uk/StructureDefinition/";

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "load" -> load(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
					LocalDate.parse(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]),
					Integer.parseInt(args[8]), Path.of(args[9]), Long.parseLong(args[10]), Path.of(args[11]));
			case "query" -> query(args[1], args[2], args[3], Path.of(args[4]), Long.parseLong(args[5]),
					Integer.parseInt(args[6]), Integer.parseInt(args[7]), Long.parseLong(args[8]),
					LocalDate.parse(args[9]));
			case "report" -> Report.write(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
					args.length > 4 ? Path.of(args[4]) : null, args.length > 5 ? Path.of(args[5]) : null);
			default -> throw new IllegalArgumentException(args[0]);
		}
	}

	// ------------------------------------------------------------------------------------------------ the world

	record Council(int index, String laNumber, String name, String trustOds) {}

	record School(int index, String urn, String name, Council council) {}

	/**
	 * One child and everything recorded about it; the same seed gives the same children. A child of the early years
	 * has no school (and no UPN): its council is {@code home}.
	 */
	record Child(int index, String nhs, String upn, String formerUpn, String family, String given, String gender,
			LocalDate birthDate, School school, double absence, boolean suspended, String sen, boolean childInNeed,
			boolean cpPlan, boolean cpOpen, boolean lookedAfter, int healthContacts, int socialWorkVisits, Council home) {

		Council council() {
			return school != null ? school.council() : home;
		}
	}

	static final String[] FAMILIES = {"Ashdown", "Birchall", "Cotterill", "Dunmore", "Ellery", "Fairbrother", "Garside",
			"Hollins", "Ingleby", "Jessop", "Kershaw", "Lindley", "Marwood", "Northcott", "Oakley", "Pennington",
			"Quarmby", "Rushworth", "Saltmarsh", "Thornber", "Underhill", "Varley", "Whitworth", "Yardley"};
	static final String[] GIVEN = {"Alex", "Bea", "Cal", "Dani", "Eli", "Fen", "Gus", "Hana", "Isla", "Jude", "Kit",
			"Lori", "Milo", "Nia", "Omar", "Pip", "Quin", "Rae", "Sami", "Tia", "Uma", "Vic", "Wren", "Zac"};

	/** Councils of up to 12,500 children, schools of 250 pupils; LA numbers 9xx, URNs 99xxxx (synthetic ranges). */
	static final class World {
		final List<Council> councils = new ArrayList<>();
		final List<School> schools = new ArrayList<>();
		final List<Child> children = new ArrayList<>();

		World(int size, long seed, LocalDate asOf) {
			int councilCount = Math.max(2, (size + 12_499) / 12_500);
			for (int c = 0; c < councilCount; c++) {
				councils.add(new Council(c, String.valueOf(901 + c), "Benchshire Council " + (c + 1),
						"Y9" + String.format("%03d", c + 1)));
			}
			int schoolCount = Math.max(councilCount * 2, (size + 249) / 250);
			for (int s = 0; s < schoolCount; s++) {
				schools.add(new School(s, String.valueOf(990_000 + s), "Bench Academy " + (s + 1),
						councils.get(s % councilCount)));
			}
			SplittableRandom random = new SplittableRandom(seed);
			int[] pupils = new int[schoolCount]; // UPN serials run per school: one current UPN per child
			long nhsBase = 999_000_000L;
			for (int i = 0; i < size; i++) {
				String nhs;
				do {
					nhs = nhsNumber(nhsBase++);
				} while (nhs == null);
				School school = schools.get(random.nextInt(schools.size()));
				int age = 4 + random.nextInt(12); // reception to year 11
				LocalDate birth = LocalDate.of(2026 - age - 1, 9, 1).plusDays(random.nextInt(365));
				int serial = pupils[school.index()]++;
				String upn = upn(school.council().laNumber(), school.index(), 2020 + random.nextInt(7), serial, false);
				String former = random.nextDouble() < 0.05
						? upn(school.council().laNumber(), school.index(), 2019, serial, true) : null;
				double roll = random.nextDouble();
				double absence = roll < 0.80 ? random.nextDouble() * 0.06
						: roll < 0.96 ? 0.10 + random.nextDouble() * 0.25 : 0.50 + random.nextDouble() * 0.3;
				double senRoll = random.nextDouble();
				String sen = senRoll < 0.03 ? "E" : senRoll < 0.16 ? "K" : null;
				boolean cin = random.nextDouble() < 0.04;
				boolean cp = cin && random.nextDouble() < 0.3;
				children.add(new Child(i, nhs, upn, former, FAMILIES[random.nextInt(FAMILIES.length)],
						GIVEN[random.nextInt(GIVEN.length)], random.nextBoolean() ? "female" : "male", birth, school,
						absence, random.nextDouble() < 0.03, sen, cin, cp, cp && random.nextDouble() < 0.7,
						random.nextDouble() < 0.007, random.nextDouble() < 0.4 ? 1 + random.nextInt(2) : 0,
						cin ? 2 + random.nextInt(3) : 0, null));
			}
			// the early years: a quarter as many again, born in the five years to the as-of date, on their council's
			// health visiting service's caseload (their own random stream, so the school children are the same as before)
			SplittableRandom early = new SplittableRandom(seed ^ 0x5EEDL);
			for (int j = 0; j < size / 4; j++) {
				String nhs;
				do {
					nhs = nhsNumber(nhsBase++);
				} while (nhs == null);
				children.add(new Child(size + j, nhs, null, null, FAMILIES[early.nextInt(FAMILIES.length)],
						GIVEN[early.nextInt(GIVEN.length)], early.nextBoolean() ? "female" : "male",
						asOf.minusDays(early.nextInt(5 * 365)), null, 0, false, null, false, false, false,
						false, 0, 0, councils.get(j % councilCount)));
			}
		}
	}

	/**
	 * The Healthy Child Programme's reviews after birth and the ages they are due from and by: those of CodeSystem
	 * hcp-review (terminology/early-years), which the server's overdue list reads.
	 */
	static final String[][] REVIEWS = {{"new-birth-visit", "P10D", "P14D"}, {"6-8-week-review", "P6W", "P8W"},
			{"1-year-review", "P9M", "P12M"}, {"2-year-review", "P24M", "P30M"}};

	/** A 999-range NHS number from a 9-digit stem, or null when its Modulus 11 check digit would be 10. */
	static String nhsNumber(long stem) {
		String digits = Long.toString(stem);
		int sum = 0;
		for (int i = 0; i < 9; i++) {
			sum += (digits.charAt(i) - '0') * (10 - i);
		}
		int check = 11 - sum % 11;
		if (check == 11) {
			check = 0;
		}
		return check == 10 ? null : digits + check;
	}

	/** A UPN (DfE algorithm: check letter, LA, establishment, year, serial; a temporary one ends in a letter). */
	static String upn(String la, int establishment, int year, int serial, boolean temporary) {
		String letters = "ABCDEFGHJKLMNPQRTUVWXYZ";
		String body = la + String.format("%04d", 1000 + establishment % 9000) + String.format("%02d", year % 100)
				+ (temporary ? String.format("%02d", serial % 100) + letters.charAt(serial % 23)
						: String.format("%03d", serial));
		String upn = "?" + body;
		int sum = 0;
		for (int position = 2; position <= 13; position++) {
			char c = upn.charAt(position - 1);
			sum += (c >= '0' && c <= '9' ? c - '0' : letters.indexOf(c)) * position;
		}
		return letters.charAt(sum % 23) + body;
	}

	/** The school weeks (Mondays) of the year before AS_OF: 39 weeks, skipping the summer and Christmas holidays. */
	static List<LocalDate> schoolWeeks(LocalDate asOf) {
		List<LocalDate> weeks = new ArrayList<>();
		LocalDate monday = asOf.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
		while (weeks.size() < 39) {
			boolean summer = monday.getMonthValue() == 8 || (monday.getMonthValue() == 7 && monday.getDayOfMonth() > 22);
			boolean christmas = (monday.getMonthValue() == 12 && monday.getDayOfMonth() > 21)
					|| (monday.getMonthValue() == 1 && monday.getDayOfMonth() < 3);
			if (!summer && !christmas) {
				weeks.add(0, monday);
			}
			monday = monday.minusWeeks(1);
		}
		return weeks;
	}

	// ------------------------------------------------------------------------------------------------ resources

	static String organisations(World world) {
		StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
		String sep = "";
		for (Council c : world.councils) {
			b.append(sep).append(entry("urn:uuid:" + uuid("la", c.index()), """
					{"resourceType":"Organization","extension":[{"url":"%sagency","valueCoding":{"system":"%sagency","code":"social-care"}}],\
					"identifier":[{"system":"%s","value":"%s"}],"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"govt"}]}],\
					"name":"%s"}""".formatted(SD, CS, LA, c.laNumber(), c.name()), "Organization", null));
			sep = ",";
			b.append(sep).append(entry("urn:uuid:" + uuid("trust", c.index()), """
					{"resourceType":"Organization","extension":[{"url":"%sagency","valueCoding":{"system":"%sagency","code":"health"}}],\
					"identifier":[{"system":"%s","value":"%s"}],"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"prov"}]}],\
					"name":"Benchshire Community Health %d"}""".formatted(SD, CS, ODS, c.trustOds(), c.index() + 1),
					"Organization", null));
		}
		for (School s : world.schools) {
			b.append(sep).append(entry("urn:uuid:" + uuid("school", s.index()), """
					{"resourceType":"Organization","extension":[{"url":"%sagency","valueCoding":{"system":"%sagency","code":"education"}}],\
					"identifier":[{"system":"%s","value":"%s"}],"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"edu"}]}],\
					"name":"%s","partOf":{"reference":"urn:uuid:%s"}}""".formatted(SD, CS, URN, s.urn(), s.name(),
					uuid("la", s.council().index())), "Organization", null));
		}
		return b.append("]}").toString();
	}

	static String entry(String fullUrl, String resource, String type, String ifNoneExist) {
		return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\""
				+ type + "\"" + (ifNoneExist == null ? "" : ",\"ifNoneExist\":\"" + ifNoneExist + "\"") + "}}";
	}

	static String uuid(String kind, int index) {
		return String.format("%08x-0000-4000-8000-%012x", Math.abs(kind.hashCode()), index);
	}

	/** Ids the server gave the organisations: "la:901" -> "Organization/12". */
	record Orgs(Map<String, String> ids) {
		String council(Council c) {
			return ids.get("la:" + c.laNumber());
		}

		String trust(Council c) {
			return ids.get("ods:" + c.trustOds());
		}

		String school(School s) {
			return ids.get("school:" + s.urn());
		}

		/** The next school of the same council (schools are dealt to councils in turn): a joiner's previous school. */
		String schoolAfter(School s) {
			long councils = ids.keySet().stream().filter(k -> k.startsWith("la:")).count();
			long schools = ids.keySet().stream().filter(k -> k.startsWith("school:")).count();
			return ids.get("school:" + (990_000 + (s.index() + councils) % schools));
		}
	}

	/** Appends one child's Patient and records to a transaction; returns the number of resources. */
	static int child(StringBuilder b, Child c, Orgs orgs, List<LocalDate> weeks, long seed, LocalDate asOf,
			Child previous) {
		if (c.school() == null) {
			return earlyYears(b, c, orgs, seed, asOf);
		}
		SplittableRandom random = new SplittableRandom(seed * 1_000_003L + c.index());
		String patient = "urn:uuid:" + uuid("child", c.index());
		String school = orgs.school(c.school());
		String council = orgs.council(c.council());
		String trust = orgs.trust(c.council());
		StringBuilder ids = new StringBuilder();
		ids.append("{\"system\":\"").append(NHS).append("\",\"value\":\"").append(c.nhs()).append("\"},");
		ids.append("{\"extension\":[{\"url\":\"").append(SD).append("upn-status\",\"valueCode\":\"permanent\"}],")
				.append("\"system\":\"").append(UPN).append("\",\"value\":\"").append(c.upn()).append("\"}");
		if (c.formerUpn() != null) {
			ids.append(",{\"extension\":[{\"url\":\"").append(SD).append("upn-status\",\"valueCode\":\"temporary\"}],")
					.append("\"use\":\"old\",\"system\":\"").append(UPN).append("\",\"value\":\"").append(c.formerUpn())
					.append("\"}");
		}
		b.append(entry(patient, """
				{"resourceType":"Patient","identifier":[%s],"name":[{"family":"%s","given":["%s"]}],"gender":"%s",\
				"birthDate":"%s","address":[{"postalCode":"ZZ99 %dAB"}],"managingOrganization":{"reference":"%s"}}"""
				.formatted(ids, c.family(), c.given(), c.gender(), c.birthDate(), 1 + c.index() % 9, council),
				"Patient", "identifier=" + NHS + "|" + c.nhs()));
		int count = 1 + journey(b, c, patient, orgs, seed, asOf, previous);
		for (LocalDate monday : weeks) {
			int possible = 10;
			int authorised = 0;
			int unauthorised = 0;
			for (int s = 0; s < possible; s++) {
				if (random.nextDouble() < c.absence()) {
					if (random.nextDouble() < 0.6) {
						authorised++;
					} else {
						unauthorised++;
					}
				}
			}
			int present = possible - authorised - unauthorised;
			int late = present > 0 && random.nextDouble() < 0.1 ? 1 : 0;
			StringBuilder comps = new StringBuilder();
			comps.append(component("observation-code", "possible-sessions", possible));
			comps.append(',').append(component("attendance-category", "present", present));
			comps.append(',').append(component("attendance-category", "approved-educational-activity", 0));
			comps.append(',').append(component("attendance-category", "authorised", authorised));
			comps.append(',').append(component("attendance-category", "unauthorised", unauthorised));
			int am = (present - late + 1) / 2;
			if (am > 0) {
				comps.append(',').append(component("attendance-code", "/", am));
			}
			if (present - late - am > 0) {
				comps.append(',').append(component("attendance-code", "\\\\", present - late - am));
			}
			if (late > 0) {
				comps.append(',').append(component("attendance-code", "L", late));
			}
			if (authorised > 0) {
				comps.append(',').append(component("attendance-code", "I", authorised));
			}
			if (unauthorised > 0) {
				comps.append(',').append(component("attendance-code", "O", unauthorised));
			}
			b.append(',').append(entry("urn:uuid:" + uuid("w" + monday, c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"education"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"attendance-summary"}]},"subject":{"reference":"%s"},\
					"effectivePeriod":{"start":"%s","end":"%s"},"performer":[{"reference":"%s"}],\
					"valueQuantity":{"value":%d,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"},"component":[%s]}"""
					.formatted(CS, CS, patient, monday, monday.plusDays(4), school, present * 10, comps),
					"Observation", null));
			count++;
		}
		if (c.suspended()) {
			LocalDate day = weeks.get(random.nextInt(weeks.size())).plusDays(random.nextInt(3));
			b.append(',').append(entry("urn:uuid:" + uuid("susp", c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"education"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"suspension"}]},"subject":{"reference":"%s"},\
					"effectivePeriod":{"start":"%s","end":"%s"},"performer":[{"reference":"%s"}],\
					"valueCodeableConcept":{"coding":[{"system":"%sexclusion-reason","code":"persistent-disruption"}]}}"""
					.formatted(CS, CS, patient, day, day.plusDays(1), school, CS), "Observation", null));
			count++;
		}
		if (c.sen() != null) {
			b.append(',').append(entry("urn:uuid:" + uuid("sen", c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"education"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"sen-provision"}]},"subject":{"reference":"%s"},\
					"effectivePeriod":{"start":"%s"},"performer":[{"reference":"%s"}],\
					"valueCodeableConcept":{"coding":[{"system":"%ssen-provision","code":"%s"}]}}"""
					.formatted(CS, CS, patient, weeks.get(0), school, CS, c.sen()), "Observation", null));
			count++;
		}
		LocalDate referral = weeks.get(random.nextInt(weeks.size() / 2));
		if (c.childInNeed()) {
			b.append(',').append(entry("urn:uuid:" + uuid("cin", c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"social-care"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"cin-primary-need"}]},"subject":{"reference":"%s"},\
					"effectivePeriod":{"start":"%s"},"performer":[{"reference":"%s"}],\
					"valueCodeableConcept":{"coding":[{"system":"%scin-primary-need","code":"N%d"}]}}"""
					.formatted(CS, CS, patient, referral, council, CS, 1 + random.nextInt(9)), "Observation", null));
			count++;
		}
		if (c.cpPlan()) {
			LocalDate start = referral.plusWeeks(4);
			String period = c.cpOpen() ? "{\"start\":\"" + start + "\"}"
					: "{\"start\":\"" + start + "\",\"end\":\"" + start.plusWeeks(10) + "\"}";
			String[] categories = {"NEG", "PHY", "SAB", "EMO", "MUL"};
			b.append(',').append(entry("urn:uuid:" + uuid("cp", c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"social-care"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"cp-plan"},{"system":"http://snomed.info/sct","code":"342191000000101"}]},\
					"subject":{"reference":"%s"},"effectivePeriod":%s,"performer":[{"reference":"%s"}],\
					"valueCodeableConcept":{"coding":[{"system":"%scp-category","code":"%s"}]}}"""
					.formatted(CS, CS, patient, period, council, CS, categories[random.nextInt(categories.length)]),
					"Observation", null));
			count++;
		}
		if (c.lookedAfter()) {
			b.append(',').append(entry("urn:uuid:" + uuid("lac", c.index()), """
					{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"social-care"}]}],\
					"code":{"coding":[{"system":"%sobservation-code","code":"lac-legal-status"},{"system":"http://snomed.info/sct","code":"764841000000100"}]},\
					"subject":{"reference":"%s"},"effectivePeriod":{"start":"%s"},"performer":[{"reference":"%s"}],\
					"valueCodeableConcept":{"coding":[{"system":"%slac-legal-status","code":"C2"}]},\
					"component":[{"code":{"coding":[{"system":"%sobservation-code","code":"lac-placement"}]},\
					"valueCodeableConcept":{"coding":[{"system":"%slac-placement-type","code":"U4"}]}}]}"""
					.formatted(CS, CS, patient, referral, council, CS, CS, CS), "Observation", null));
			count++;
		}
		for (int h = 0; h < c.healthContacts(); h++) {
			count += encounter(b, "hv" + h, c, patient, trust, "health", c.birthDate().getYear() >= 2021
					? "health-visitor-contact" : "school-nurse-contact", weeks.get(random.nextInt(weeks.size())), random);
		}
		for (int v = 0; v < c.socialWorkVisits(); v++) {
			count += encounter(b, "sw" + v, c, patient, council, "social-care", "social-work-visit",
					referral.plusWeeks(v * 3L), random);
		}
		if (c.cpPlan()) {
			count += encounter(b, "cpc", c, patient, council, "social-care", "cp-conference", referral.plusWeeks(4), random);
		}
		return count;
	}

	/**
	 * A pupil's school roll and household (its own random stream, so the rest of the population is as before): on the
	 * roll of its school since a September (an active school-enrolment EpisodeOfCare); 2% joined in the last four
	 * weeks from another school of the council (a finished enrolment there); 0.4% left their school in the last four
	 * months and are on no roll (children missing education); 30% of the pupils whose {@code previous} child is in the
	 * same transaction share a household Group with it, recorded by their council.
	 */
	static int journey(StringBuilder b, Child c, String patient, Orgs orgs, long seed, LocalDate asOf, Child previous) {
		SplittableRandom journey = new SplittableRandom((seed ^ 0x70AD5L) * 1_000_003L + c.index());
		double roll = journey.nextDouble();
		LocalDate september = LocalDate.of(asOf.getMonthValue() >= 9 ? asOf.getYear() : asOf.getYear() - 1, 9, 1)
				.minusYears(journey.nextInt(3));
		String school = orgs.school(c.school());
		int count = 0;
		if (roll < 0.02) {
			LocalDate joined = asOf.minusDays(journey.nextInt(28));
			LocalDate started = september.isBefore(joined) ? september : joined.minusYears(1);
			count += enrolment(b, "enrol-before", c, patient, orgs.schoolAfter(c.school()), started, joined.minusDays(1));
			count += enrolment(b, "enrol", c, patient, school, joined, null);
		} else if (roll < 0.024) {
			count += enrolment(b, "enrol", c, patient, school, september, asOf.minusDays(1 + journey.nextInt(120)));
		} else {
			count += enrolment(b, "enrol", c, patient, school, september, null);
		}
		if (previous != null && previous.school() != null && journey.nextDouble() < 0.3) {
			String council = orgs.council(c.council());
			b.append(',').append(entry("urn:uuid:" + uuid("household", c.index()), """
					{"resourceType":"Group","type":"person","actual":true,"code":{"coding":[{"system":"%sgroup-type","code":"household"}]},\
					"managingEntity":{"reference":"%s"},"member":[{"entity":{"reference":"urn:uuid:%s"}},{"entity":{"reference":"%s"}}]}"""
					.formatted(CS, council, uuid("child", previous.index()), patient), "Group", null));
			count++;
		}
		return count;
	}

	static int enrolment(StringBuilder b, String key, Child c, String patient, String school, LocalDate start,
			LocalDate end) {
		b.append(',').append(entry("urn:uuid:" + uuid(key, c.index()), """
				{"resourceType":"EpisodeOfCare","status":"%s","type":[{"coding":[{"system":"%sepisode-type","code":"school-enrolment"}]},\
				{"coding":[{"system":"%sagency","code":"education"}]}],"patient":{"reference":"%s"},"managingOrganization":{"reference":"%s"},\
				"period":{"start":"%s"%s}}""".formatted(end == null ? "active" : "finished", CS, CS, patient, school, start,
				end == null ? "" : ",\"end\":\"" + end + "\""), "EpisodeOfCare", null));
		return 1;
	}

	/**
	 * A child of the early years: the record from the NHS number, the council's health visiting service's caseload, and
	 * each review due by the as-of date, done on time (85%, in its window, with the ASQ-3 at the 2-year review) or not
	 * recorded (the same draws whatever the day of the run).
	 */
	static int earlyYears(StringBuilder b, Child c, Orgs orgs, long seed, LocalDate asOf) {
		SplittableRandom random = new SplittableRandom(seed * 1_000_003L + c.index());
		String patient = "urn:uuid:" + uuid("child", c.index());
		String trust = orgs.trust(c.council());
		b.append(entry(patient, """
				{"resourceType":"Patient","identifier":[{"system":"%s","value":"%s"}],"name":[{"family":"%s","given":["%s"]}],				"gender":"%s","birthDate":"%s","managingOrganization":{"reference":"%s"}}"""
				.formatted(NHS, c.nhs(), c.family(), c.given(), c.gender(), c.birthDate(), orgs.council(c.council())),
				"Patient", "identifier=" + NHS + "|" + c.nhs()));
		b.append(',').append(entry("urn:uuid:" + uuid("caseload", c.index()), """
				{"resourceType":"EpisodeOfCare","status":"active","type":[{"coding":[{"system":"%sepisode-type","code":"health-visiting"}]},				{"coding":[{"system":"%sagency","code":"health"}]}],"patient":{"reference":"%s"},"managingOrganization":{"reference":"%s"},				"period":{"start":"%s"}}""".formatted(CS, CS, patient, trust, c.birthDate().plusDays(5)), "EpisodeOfCare", null));
		int count = 2;
		for (String[] review : REVIEWS) {
			LocalDate from = c.birthDate().plus(java.time.Period.parse(review[1]));
			LocalDate by = c.birthDate().plus(java.time.Period.parse(review[2]));
			boolean recorded = random.nextDouble() < 0.85;
			if (!by.isBefore(asOf) || !recorded) {
				continue; // not due yet, or not recorded
			}
			LocalDate day = from.plusDays(random.nextLong(java.time.temporal.ChronoUnit.DAYS.between(from, by) + 1));
			String encounter = "urn:uuid:" + uuid("review-" + review[0], c.index());
			b.append(',').append(entry(encounter, """
					{"resourceType":"Encounter","extension":[{"url":"%shcp-review-outcome","valueCodeableConcept":{"coding":					[{"system":"%shcp-review-outcome","code":"universal"}]}}],"status":"finished",					"class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"HH"},					"type":[{"coding":[{"system":"%shcp-review","code":"%s"}]}],"serviceType":{"coding":[{"system":"%sagency","code":"health"}]},					"subject":{"reference":"%s"},"period":{"start":"%s"},"serviceProvider":{"reference":"%s"}}"""
					.formatted(SD, CS, CS, review[0], CS, patient, day, trust), "Encounter", null));
			count++;
			if (review[0].equals("2-year-review")) {
				StringBuilder components = new StringBuilder();
				String[] domains = {"communication", "gross-motor", "fine-motor", "problem-solving", "personal-social"};
				for (String domain : domains) {
					int score = 5 * (6 + random.nextInt(7));
					components.append(components.isEmpty() ? "" : ",").append("""
							{"code":{"coding":[{"system":"%sasq-3-domain","code":"%s"}]},"valueQuantity":{"value":%d,							"system":"http://unitsofmeasure.org","code":"{score}"},"interpretation":[{"coding":[{"system":							"%sasq-3-result","code":"%s"}]}]}""".formatted(CS, domain, score, CS,
							score >= 40 ? "above" : score >= 35 ? "close" : "below"));
				}
				b.append(',').append(entry("urn:uuid:" + uuid("asq", c.index()), """
						{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"%sagency","code":"health"}]}],						"code":{"coding":[{"system":"%sobservation-code","code":"asq-3"}]},"subject":{"reference":"%s"},						"encounter":{"reference":"%s"},"effectiveDateTime":"%s","performer":[{"reference":"%s"}],						"method":{"coding":[{"system":"%sasq-3-questionnaire","code":"27-month"}]},"component":[%s]}"""
						.formatted(CS, CS, patient, encounter, day, trust, CS, components), "Observation", null));
				count++;
			}
		}
		return count;
	}

	static int encounter(StringBuilder b, String key, Child c, String patient, String provider, String agency,
			String type, LocalDate week, SplittableRandom random) {
		int hour = 9 + random.nextInt(7);
		LocalDate day = week.plusDays(random.nextInt(5));
		b.append(',').append(entry("urn:uuid:" + uuid(key, c.index()), """
				{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"HH"},\
				"type":[{"coding":[{"system":"%sencounter-type","code":"%s"}]}],"serviceType":{"coding":[{"system":"%sagency","code":"%s"}]},\
				"subject":{"reference":"%s"},"period":{"start":"%sT%02d:00:00Z","end":"%sT%02d:45:00Z"},"serviceProvider":{"reference":"%s"}}"""
				.formatted(CS, type, CS, agency, patient, day, hour, day, hour, provider), "Encounter", null));
		return 1;
	}

	static String component(String system, String code, int value) {
		return "{\"code\":{\"coding\":[{\"system\":\"" + CS + system + "\",\"code\":\"" + code + "\"}]},\"valueInteger\":"
				+ value + "}";
	}

	// ------------------------------------------------------------------------------------------------ load phase

	static final Pattern LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"((Organization|Patient)/[^/\"]+)");

	static void load(String base, String token, int size, long seed, LocalDate asOf, int clients, int perBundle,
			int limit, Path out, long serverPid, Path dataDir) throws Exception {
		Files.createDirectories(out);
		long t0 = System.nanoTime();
		World world = new World(size, seed, asOf);
		List<LocalDate> weeks = schoolWeeks(asOf);
		Metrics metrics = new Metrics(out.resolve("metrics"));
		metrics.put("load.generate_seconds", seconds(System.nanoTime() - t0));

		// organisations first, in one transaction; their ids are then known to every bundle
		String response = post(base, token, organisations(world));
		Map<String, String> ids = new LinkedHashMap<>();
		Matcher m = LOCATION.matcher(response);
		List<String> keys = new ArrayList<>();
		world.councils.forEach(c -> {
			keys.add("la:" + c.laNumber());
			keys.add("ods:" + c.trustOds());
		});
		world.schools.forEach(s -> keys.add("school:" + s.urn()));
		for (String key : keys) {
			if (!m.find()) {
				throw new IllegalStateException("organisations: fewer locations than organisations: " + response);
			}
			ids.put(key, m.group(1));
		}
		Orgs orgs = new Orgs(ids);
		try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("organisations.tsv")))) {
			ids.forEach((k, v) -> w.println(k + "\t" + v));
		}

		int children = limit > 0 ? Math.min(limit, world.children.size()) : world.children.size();
		String[] patientIds = new String[children];
		AtomicInteger next = new AtomicInteger();
		AtomicLong resources = new AtomicLong();
		AtomicLong bundles = new AtomicLong();
		AtomicInteger errors = new AtomicInteger();
		ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
		List<Long> bundleMillis = java.util.Collections.synchronizedList(new ArrayList<>());
		// resources per second, second by second (for the chart)
		AtomicLongArray perSecond = new AtomicLongArray(24 * 3600);
		MemorySampler memory = new MemorySampler(serverPid, dataDir);
		memory.start();
		long start = System.nanoTime();
		CountDownLatch done = new CountDownLatch(clients);
		for (int t = 0; t < clients; t++) {
			Thread thread = new Thread(() -> {
				try {
					while (true) {
						int first = next.getAndAdd(perBundle);
						if (first >= children) {
							return;
						}
						int last = Math.min(children, first + perBundle);
						StringBuilder b = new StringBuilder(64 * 1024 * (last - first));
						b.append("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
						int n = 0;
						for (int i = first; i < last; i++) {
							if (i > first) {
								b.append(',');
							}
							n += child(b, world.children.get(i), orgs, weeks, seed, asOf,
									i > first ? world.children.get(i - 1) : null);
						}
						b.append("]}");
						long s0 = System.nanoTime();
						try {
							String answer = post(base, token, b.toString());
							Matcher found = LOCATION.matcher(answer);
							int i = first;
							while (found.find() && i < last) {
								patientIds[i++] = found.group(1);
							}
							if (i < last) {
								throw new IOException("transaction answer without the children's locations");
							}
							resources.addAndGet(n);
							bundles.incrementAndGet();
							long now = System.nanoTime();
							bundleMillis.add((now - s0) / 1_000_000);
							perSecond.addAndGet((int) ((now - start) / 1_000_000_000L), n);
						} catch (IOException | RuntimeException e) {
							errors.incrementAndGet();
							if (errorSamples.size() < 5) {
								errorSamples.add(e.getMessage());
							}
						}
					}
				} finally {
					done.countDown();
				}
			});
			thread.start();
		}
		long lastReport = System.nanoTime();
		while (!done.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
			if (System.nanoTime() - lastReport > 30_000_000_000L) {
				lastReport = System.nanoTime();
				double elapsed = (lastReport - start) / 1e9;
				System.out.printf(Locale.ROOT, "  %,d children, %,d resources in %.0f s (%.0f/s), %d errors%n",
						Math.min(next.get(), children), resources.get(), elapsed, resources.get() / elapsed, errors.get());
			}
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		memory.stop();
		try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("children.tsv")))) {
			for (int i = 0; i < children; i++) {
				Child c = world.children.get(i);
				w.println(String.join("\t", String.valueOf(i), c.nhs(), c.upn() == null ? "-" : c.upn(),
						c.formerUpn() == null ? "-" : c.formerUpn(), patientIds[i] == null ? "-" : patientIds[i],
						c.council().laNumber(), c.school() == null ? "-" : c.school().urn()));
			}
		}
		long[] timeline = new long[(int) Math.ceil(elapsed)];
		for (int i = 0; i < timeline.length; i++) {
			timeline[i] = perSecond.get(i);
		}
		metrics.put("load.children", children);
		metrics.put("load.resources", resources.get());
		metrics.put("load.bundles", bundles.get());
		metrics.put("load.errors", errors.get());
		metrics.put("load.seconds", elapsed);
		metrics.put("load.resources_per_second", resources.get() / elapsed);
		metrics.put("load.clients", clients);
		metrics.put("load.children_per_bundle", perBundle);
		long[] ms = bundleMillis.stream().mapToLong(Long::longValue).sorted().toArray();
		metrics.put("load.bundle_p50_ms", percentile(ms, 50));
		metrics.put("load.bundle_p95_ms", percentile(ms, 95));
		metrics.put("load.rss_max_mb", memory.maxJvmMb());
		metrics.put("load.postgres_pss_max_mb", memory.maxPostgresMb());
		metrics.put("load.timeline", Arrays.toString(smooth(timeline, 10)).replace(" ", ""));
		metrics.put("world.councils", world.councils.size());
		metrics.put("world.schools", world.schools.size());
		metrics.put("world.children", size);
		metrics.put("world.seed", seed);
		metrics.put("world.as_of", asOf.toString());
		System.out.printf(Locale.ROOT, "load: %,d resources (%,d children) in %.1f s = %.0f resources/s, %d errors%n",
				resources.get(), children, elapsed, resources.get() / elapsed, errors.get());
		errorSamples.forEach(e -> System.out.println("  error: " + e));
	}

	/** Averages of each WINDOW seconds: the sustained rate, without the jitter of single seconds. */
	static long[] smooth(long[] perSecond, int window) {
		long[] out = new long[(perSecond.length + window - 1) / window];
		for (int i = 0; i < out.length; i++) {
			long sum = 0;
			int n = 0;
			for (int j = i * window; j < Math.min(perSecond.length, (i + 1) * window); j++, n++) {
				sum += perSecond[j];
			}
			out[i] = n == 0 ? 0 : sum / n;
		}
		return out;
	}

	static String post(String base, String token, String body) throws IOException {
		return send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofMinutes(5))
				.header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(body)).build());
	}

	static String send(HttpRequest request) throws IOException {
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				String body = response.body();
				throw new IOException(response.statusCode() + " " + request.uri() + ": "
						+ body.substring(0, Math.min(600, body.length())));
			}
			return response.body();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(e);
		}
	}

	// ------------------------------------------------------------------------------------------------ query phase

	/**
	 * One kind of question, asked by a practitioner of the organisation the kind names, by USERS concurrent users (or
	 * by {@code oneUser}: a request's own latency, without the queueing of several users on few cores).
	 */
	record Kind(String key, String label, String actingFor, boolean oneUser, boolean childLinkOnly) {
		Kind(String key, String label, String actingFor) {
			this(key, label, actingFor, false, false);
		}

		/** A question plain HAPI has no means to answer (ChildLink's absence flags, its $attendance operation). */
		Kind onlyChildLinkAnswers() {
			return new Kind(key, label, actingFor, oneUser, true);
		}
	}

	static final List<Kind> KINDS = List.of(
			new Kind("nhs_one_user", "child by NHS number, one user", "council", true, false),
			new Kind("nhs", "child by NHS number", "council"),
			new Kind("upn", "child by current UPN", "council"),
			new Kind("former_upn", "child by former UPN", "council"),
			new Kind("term_attendance", "term's attendance, chained on NHS number", "council"),
			new Kind("everything", "Patient/{id}/$everything", "council"),
			new Kind("attendance_op", "Patient/{id}/$attendance (term)", "council").onlyChildLinkAnswers(),
			new Kind("absent_pupils", "school's persistently absent pupils", "school").onlyChildLinkAnswers(),
			new Kind("open_cp_plans", "council's open child protection plans", "council"),
			new Kind("unrelated_code", "unrelated school: Observation?code=attendance", "unrelated school"),
			new Kind("unrelated_broad", "unrelated school: Observation?_count=20", "unrelated school"),
			new Kind("reviews_overdue", "health visitors' overdue reviews (Patient/$reviews-overdue)", "health visiting service")
					.onlyChildLinkAnswers(),
			new Kind("missing_education", "council's children missing education (Patient/$children-missing-education)",
					"council").onlyChildLinkAnswers(),
			new Kind("pupils_joined", "school's recent joiners with a plan or absence (Patient/$pupils-joined)", "school")
					.onlyChildLinkAnswers(),
			new Kind("moved_in", "council's children moved in with a plan open (Task worklist)", "council")
					.onlyChildLinkAnswers(),
			new Kind("household", "a child's household (Patient/{id}/$household)", "council").onlyChildLinkAnswers(),
			new Kind("absence_statistics", "absence statistics of a council or school, year ($evaluate-measure)",
					"health visiting service").onlyChildLinkAnswers());

	/** A school with no relationship to any child of the population, registered for the unrelated caller's questions. */
	static final String UNRELATED_URN = "999990";

	record Row(String nhs, String upn, String formerUpn, String id, String la, String urn) {}

	static void query(String base, String jar, String dataDir, Path out, long serverPid, int users, int seconds,
			long seed, LocalDate asOf) throws Exception {
		List<Row> rows = new ArrayList<>(); // the school children (the early years have no UPN)
		for (String line : Files.readAllLines(out.resolve("children.tsv"))) {
			String[] f = line.split("\t");
			if (!f[4].equals("-") && !f[2].equals("-")) {
				rows.add(new Row(f[1], f[2], f[3], f[4], f[5], f[6]));
			}
		}
		Map<String, String> orgIds = new LinkedHashMap<>();
		for (String line : Files.readAllLines(out.resolve("organisations.tsv"))) {
			String[] f = line.split("\t");
			orgIds.put(f[0], f[1]);
		}
		List<Row> withFormer = rows.stream().filter(r -> !r.formerUpn().equals("-")).toList();
		// one practitioner token per council, and for a sample of schools
		Map<String, String> councilTokens = new TreeMap<>();
		rows.stream().map(Row::la).distinct().forEach(la -> councilTokens.put(la,
				token(jar, dataDir, "la:" + la, "social-care", "bench-social-worker-" + la)));
		List<String> urns = rows.stream().map(Row::urn).distinct().sorted().limit(6).toList();
		Map<String, String> schoolTokens = new TreeMap<>();
		urns.forEach(urn -> schoolTokens.put(urn, token(jar, dataDir, "school:" + urn, "education", "bench-teacher-" + urn)));
		// one health visitor's token per council's health visiting service (its trust)
		Map<String, String> trustTokens = new TreeMap<>();
		orgIds.keySet().stream().filter(k -> k.startsWith("ods:")).forEach(k -> trustTokens.put(k,
				token(jar, dataDir, k, "health", "bench-health-visitor-" + k.substring(4))));
		List<String> trusts = List.copyOf(trustTokens.keySet());
		registerUnrelatedSchool(base, jar, dataDir);
		String unrelated = token(jar, dataDir, "school:" + UNRELATED_URN, "education", "bench-unrelated-teacher");
		LocalDate termStart = asOf.getMonthValue() >= 9 ? LocalDate.of(asOf.getYear(), 9, 1)
				: asOf.getMonthValue() >= 4 ? LocalDate.of(asOf.getYear(), 4, 14) : LocalDate.of(asOf.getYear(), 1, 5);
		LocalDate termEnd = asOf.getMonthValue() >= 9 ? LocalDate.of(asOf.getYear(), 12, 18)
				: asOf.getMonthValue() >= 4 ? LocalDate.of(asOf.getYear(), 7, 22) : LocalDate.of(asOf.getYear(), 3, 27);
		String term = "date=ge" + termStart + "&date=le" + termEnd;
		Metrics metrics = new Metrics(out.resolve("metrics"));
		metrics.put("query.users", users);
		metrics.put("query.seconds_per_kind", seconds);
		MemorySampler memory = new MemorySampler(serverPid, Path.of(dataDir));
		memory.start();
		String only = System.getenv().getOrDefault("KINDS", ""); // e.g. KINDS=nhs,everything: just those
		boolean plainHapi = "1".equals(System.getenv("PLAIN_HAPI")); // the server is the jar as plain HAPI FHIR
		List<String> statisticsOf = orgIds.entrySet().stream()
				.filter(e -> e.getKey().startsWith("la:") || e.getKey().startsWith("school:")).map(Map.Entry::getValue)
				.toList();
		// the school year to the as-of date (the statistics are cumulative from 1 September, as DfE's)
		LocalDate yearStart = LocalDate.of(asOf.getMonthValue() >= 9 ? asOf.getYear() : asOf.getYear() - 1, 9, 1);
		String statisticsPeriod = "periodStart=" + yearStart + "&periodEnd=" + asOf;
		if (!plainHapi && (only.isBlank() || List.of(only.split(",")).contains("absence_statistics"))) {
			publishStatistics(base, jar, dataDir, statisticsPeriod, metrics);
		}
		for (Kind kind : KINDS) {
			if (!only.isBlank() && !List.of(only.split(",")).contains(kind.key())) {
				continue;
			}
			if (plainHapi && kind.childLinkOnly()) {
				System.out.printf(Locale.ROOT, "  %-42s not asked: plain HAPI has no means to answer it%n", kind.label());
				continue;
			}
			SplittableRandom pick = new SplittableRandom(seed + kind.key().hashCode());
			List<String[]> requests = new ArrayList<>(); // [token, path]
			for (int i = 0; i < 20_000; i++) {
				Row r = rows.get(pick.nextInt(rows.size()));
				String council = councilTokens.get(r.la());
				switch (kind.key()) {
					case "nhs", "nhs_one_user" -> requests.add(new String[] {council, "/Patient?identifier=" + NHS + "|" + r.nhs()});
					case "upn" -> requests.add(new String[] {council, "/Patient?identifier=" + UPN + "|" + r.upn()});
					case "former_upn" -> {
						Row f = withFormer.isEmpty() ? r : withFormer.get(pick.nextInt(withFormer.size()));
						requests.add(new String[] {councilTokens.get(f.la()),
							"/Patient?identifier=" + UPN + "|" + (withFormer.isEmpty() ? f.upn() : f.formerUpn())});
					}
					case "term_attendance" -> requests.add(new String[] {council, "/Observation?subject:Patient.identifier="
							+ NHS + "|" + r.nhs() + "&code=" + CS + "observation-code|attendance-summary&" + term + "&_count=50"});
					case "everything" -> requests.add(new String[] {council, "/" + r.id() + "/$everything?_count=200"});
					case "attendance_op" -> requests.add(new String[] {council,
						"/" + r.id() + "/$attendance?start=" + termStart + "&end=" + termEnd});
					case "absent_pupils" -> {
						String urn = urns.get(pick.nextInt(urns.size()));
						// the school's own pupils: the server narrows a school's search to the children it is related
						// to, so the question needs no school filter (the old one, _has:Observation:subject:performer=,
						// made HAPI's SQL return each child once per record, read in passes 500 ms apart)
						requests.add(new String[] {schoolTokens.get(urn), "/Flag?code=" + CS + "flag-code|persistent-absence,"
							+ CS + "flag-code|severe-absence&status=active&_include=Flag:subject&_count=100"});
					}
					case "open_cp_plans" -> {
						String la = councilTokens.keySet().stream().skip(pick.nextInt(councilTokens.size())).findFirst().get();
						requests.add(new String[] {councilTokens.get(la), "/Observation?code=" + CS + "observation-code|cp-plan"
							+ "&performer=" + orgIds.get("la:" + la) + "&date=ge" + asOf + "&_include=Observation:subject&_count=100"});
					}
					case "unrelated_code" -> requests.add(new String[] {unrelated,
						"/Observation?code=" + CS + "observation-code|attendance-summary&_count=20"});
					case "unrelated_broad" -> requests.add(new String[] {unrelated, "/Observation?_count=20"});
					case "reviews_overdue" -> requests.add(new String[] {trustTokens.get(trusts.get(pick.nextInt(trusts.size()))),
						"/Patient/$reviews-overdue?_count=50"});
					case "missing_education" -> requests.add(new String[] {council, "/Patient/$children-missing-education?_count=50"});
					case "pupils_joined" -> requests.add(new String[] {schoolTokens.get(urns.get(pick.nextInt(urns.size()))),
						"/Patient/$pupils-joined?days=30&_count=50"});
					case "moved_in" -> requests.add(new String[] {council, "/Task?code=" + CS + "signal-topic%7Cchild-moved-1"
						+ "&business-status=" + CS + "signal-event%7Cnew-council&authored-on=ge" + asOf.minusDays(30)
						+ "&patient.organization=" + orgIds.get("la:" + r.la()) + "&_include=Task:patient&_count=50"});
					case "household" -> requests.add(new String[] {council, "/" + r.id() + "/$household"});
					case "absence_statistics" -> requests.add(new String[] {trustTokens.get(trusts.get(pick.nextInt(trusts.size()))),
						"/Measure/pupil-absence/$evaluate-measure?" + statisticsPeriod + "&subject="
							+ statisticsOf.get(pick.nextInt(statisticsOf.size()))});
					default -> throw new IllegalStateException(kind.key());
				}
			}
			Result result = run(base, requests, kind.oneUser() ? 1 : users, seconds);
			String p = "query." + kind.key() + ".";
			metrics.put(p + "label", kind.label());
			metrics.put(p + "requests", result.count);
			// a question that was never answered (every request failed before it was sent) is not a fast one
			metrics.put(p + "errors", result.count == 0 ? Math.max(1, result.errors) : result.errors);
			metrics.put(p + "throughput", result.count / result.seconds);
			if (result.count > 0) { // none answered: no latency to report (the report shows "-")
				metrics.put(p + "p50_ms", result.percentile(50));
				metrics.put(p + "p95_ms", result.percentile(95));
				metrics.put(p + "p99_ms", result.percentile(99));
			}
			metrics.put(p + "mean_results", result.meanEntries());
			System.out.printf(Locale.ROOT, "  %-42s %6d req %5.1f/s  p50 %6.1f  p95 %6.1f  p99 %6.1f ms  %d errors  %.1f entries%n",
					kind.label(), result.count, result.count / result.seconds, result.percentile(50),
					result.percentile(95), result.percentile(99), result.errors, result.meanEntries());
			result.errorSamples.forEach(e -> System.out.println("    error: " + e));
		}
		memory.stop();
		metrics.put("query.rss_max_mb", memory.maxJvmMb());
		metrics.put("query.postgres_pss_max_mb", memory.maxPostgresMb());
		if (only.isBlank() || List.of(only.split(",")).contains("export")) {
			// one user's searches for a child by NHS number beside each export, as the query "one user" asks them
			SplittableRandom pick = new SplittableRandom(seed + 17);
			List<String[]> beside = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				Row r = rows.get(pick.nextInt(rows.size()));
				beside.add(new String[] {councilTokens.get(r.la()), "/Patient?identifier=" + NHS + "%7C" + r.nhs()});
			}
			String la = rows.get(0).la();
			String admin = run(jar, "token", "--data-dir", dataDir, "--subject", "bench-exporter", "--role", "admin",
					"--scope", "user/*.cruds");
			// EXPORTS=pseudonymised (or plain) takes one of the two: each takes a quarter of an hour at scale
			String exports = System.getenv().getOrDefault("EXPORTS", "plain,pseudonymised");
			if (exports.contains("plain")) {
				exportEverything(base, admin, "plain", "", serverPid, Path.of(dataDir), beside, metrics);
			}
			if (!plainHapi && exports.contains("pseudonymised")) {
				String analyst = run(jar, "token", "--data-dir", dataDir, "--subject", "bench-analyst", "--role",
						"admin,analyst", "--organisation", "la:" + la, "--agency", "social-care", "--scope", "user/*.rs");
				exportEverything(base, analyst, "pseudonymised", "?pseudonymise=true", serverPid, Path.of(dataDir),
						beside, metrics);
			}
		}
	}

	/**
	 * An export of everything (the admin's {@code $export}), from kick-off to the manifest: how long, how many
	 * resources, the server's memory meanwhile, and one user's searches for a child beside it (their p95, to set
	 * against the same searches' without an export: query.nhs_one_user); then its files downloaded and counted.
	 */
	static void exportEverything(String base, String token, String label, String query, long serverPid, Path dataDir,
			List<String[]> beside, Metrics metrics) throws IOException, InterruptedException {
		MemorySampler memory = new MemorySampler(serverPid, dataDir);
		memory.start();
		java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
		ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
		AtomicInteger besideErrors = new AtomicInteger();
		Thread user = new Thread(() -> {
			for (int i = 0; !done.get(); i++) {
				String[] r = beside.get(i % beside.size());
				long t0 = System.nanoTime();
				try {
					HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + r[1]))
							.header("Authorization", "Bearer " + r[0]).header("Accept", "application/fhir+json").GET()
							.build(), HttpResponse.BodyHandlers.ofString());
					if (answer.statusCode() == 200) {
						micros.add((System.nanoTime() - t0) / 1000);
					} else {
						besideErrors.incrementAndGet();
					}
				} catch (IOException e) {
					besideErrors.incrementAndGet();
				} catch (InterruptedException e) {
					return;
				}
			}
		});
		long start = System.nanoTime();
		HttpResponse<String> kickOff = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/$export" + query))
				.header("Authorization", "Bearer " + token).header("Prefer", "respond-async")
				.header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
		if (kickOff.statusCode() != 202) {
			throw new IllegalStateException("export (" + label + ") not started: " + kickOff.statusCode() + " " + kickOff.body());
		}
		String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
		user.start();
		HttpResponse<String> polled;
		do {
			Thread.sleep(500);
			polled = HTTP.send(HttpRequest.newBuilder(URI.create(status)).header("Authorization", "Bearer " + token)
					.header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
		} while (polled.statusCode() == 202);
		double seconds = seconds(System.nanoTime() - start);
		done.set(true);
		user.join();
		memory.stop();
		if (polled.statusCode() != 200) {
			throw new IllegalStateException("export (" + label + ") failed: " + polled.statusCode() + " " + polled.body());
		}
		// the files, downloaded as a user would, one after the other: their resources (lines) and size
		long downloadStart = System.nanoTime();
		long resources = 0;
		long bytes = 0;
		Matcher url = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"").matcher(polled.body());
		while (url.find()) {
			HttpResponse<java.io.InputStream> file = HTTP.send(HttpRequest.newBuilder(URI.create(url.group(1)))
					.header("Authorization", "Bearer " + token).header("Accept", "application/fhir+ndjson").GET().build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (java.io.InputStream in = file.body()) {
				if (file.statusCode() != 200) {
					throw new IllegalStateException("export (" + label + ") file " + url.group(1) + ": " + file.statusCode());
				}
				byte[] buffer = new byte[1 << 16];
				for (int n; (n = in.read(buffer)) > 0; ) {
					bytes += n;
					for (int i = 0; i < n; i++) {
						if (buffer[i] == '\n') {
							resources++;
						}
					}
				}
			}
		}
		double downloadSeconds = seconds(System.nanoTime() - downloadStart);
		metrics.put("export." + label + ".download_seconds", String.format(Locale.ROOT, "%.1f", downloadSeconds));
		metrics.put("export." + label + ".mb", bytes / 1024 / 1024);
		long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
		String p = "export." + label + ".";
		metrics.put(p + "seconds", String.format(Locale.ROOT, "%.1f", seconds));
		metrics.put(p + "resources", resources);
		metrics.put(p + "resources_per_second", String.format(Locale.ROOT, "%.0f", resources / seconds));
		metrics.put(p + "rss_max_mb", memory.maxJvmMb());
		metrics.put(p + "beside_requests", sorted.length);
		metrics.put(p + "beside_errors", besideErrors.get());
		if (sorted.length > 0) {
			metrics.put(p + "beside_p95_ms", percentile(sorted, 95) / 1000.0);
		}
		System.out.printf(Locale.ROOT, "  export of everything (%s): %d resources in %.1f s (then downloaded, %d MB, in "
				+ "%.1f s), RSS max %d MB; one user's NHS number searches beside it: %d, p95 %.1f ms, %d errors%n", label,
				resources, seconds, bytes / 1024 / 1024, downloadSeconds, memory.maxJvmMb(), sorted.length,
				percentile(sorted, 95) / 1000.0, besideErrors.get());
	}

	/**
	 * Publishes the attendance statistics of every school and council of the population once, as the fortnightly
	 * schedule does, and records how long that took and how many reports it stored.
	 */
	static void publishStatistics(String base, String jar, String dataDir, String period, Metrics metrics)
			throws IOException, InterruptedException {
		String admin = run(jar, "token", "--data-dir", dataDir, "--subject", "bench-admin", "--role", "admin", "--scope",
				"user/*.cruds");
		long start = System.nanoTime();
		HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(URI.create(base
				+ "/Measure/pupil-absence/$publish-statistics?" + period)).header("Authorization", "Bearer " + admin)
				.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		double seconds = (System.nanoTime() - start) / 1e9;
		if (published.statusCode() != 200) {
			throw new IllegalStateException("could not publish the statistics: " + published.body());
		}
		java.util.regex.Matcher total = java.util.regex.Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(published.body());
		String reports = total.find() ? total.group(1) : "?";
		metrics.put("statistics.publish_seconds", String.format(Locale.ROOT, "%.1f", seconds));
		metrics.put("statistics.reports", reports);
		System.out.printf(Locale.ROOT, "  statistics of every school and council published: %s reports in %.1f s%n",
				reports, seconds);
	}

	/** Registers the unrelated school once (a conditional create), as an admin. */
	static void registerUnrelatedSchool(String base, String jar, String dataDir) throws IOException, InterruptedException {
		String admin = run(jar, "token", "--data-dir", dataDir, "--subject", "bench-admin", "--role", "admin", "--scope",
				"user/*.cruds");
		String school = """
				{"resourceType":"Organization","extension":[{"url":"%sagency","valueCoding":{"system":"%sagency","code":"education"}}],\
				"identifier":[{"system":"%s","value":"%s"}],"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"edu"}]}],\
				"name":"Unrelated School (benchmark)"}""".formatted(SD, CS, URN, UNRELATED_URN);
		HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/Organization"))
				.header("Authorization", "Bearer " + admin).header("Content-Type", "application/fhir+json")
				.header("If-None-Exist", "identifier=" + URN + "|" + UNRELATED_URN)
				.POST(HttpRequest.BodyPublishers.ofString(school)).build(), HttpResponse.BodyHandlers.ofString());
		if (created.statusCode() >= 300) {
			throw new IllegalStateException("could not register the unrelated school: " + created.body());
		}
	}

	static String token(String jar, String dataDir, String organisation, String agency, String subject) {
		return run(jar, "token", "--data-dir", dataDir, "--organisation", organisation, "--agency", agency, "--subject",
				subject, "--scope", "user/*.rs");
	}

	/** A token printed by the jar's token command with these arguments. */
	static String run(String jar, String... tokenArgs) {
		try {
			List<String> command = new ArrayList<>(List.of("java", "-jar", jar));
			command.addAll(List.of(tokenArgs));
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String token = text.lines().map(String::strip).filter(l -> l.startsWith("ey")).findFirst().orElse(null);
			if (p.waitFor() != 0 || token == null) {
				throw new IllegalStateException("token command failed: " + text);
			}
			return token;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (InterruptedException e) {
			throw new IllegalStateException(e);
		}
	}

	static final class Result {
		final List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
		final List<Long> warmUp = java.util.Collections.synchronizedList(new ArrayList<>());
		final AtomicLong entries = new AtomicLong();
		final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
		volatile int errors;
		int count;
		double seconds;
		long[] sorted;

		double percentile(int p) {
			return Bench.percentile(sorted, p) / 1000.0;
		}

		double meanEntries() {
			return count == 0 ? 0 : (double) entries.get() / count;
		}
	}

	static final Pattern ENTRY = Pattern.compile("\"fullUrl\"");

	/** USERS threads asking the prepared requests (round robin from a shared cursor) for SECONDS, after a warm-up. */
	static Result run(String base, List<String[]> requests, int users, int seconds) throws InterruptedException {
		Result result = new Result();
		AtomicInteger cursor = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		long warmUpEnd = System.nanoTime() + Math.min(5, Math.max(1, seconds / 6)) * 1_000_000_000L;
		long end = warmUpEnd + seconds * 1_000_000_000L;
		CountDownLatch done = new CountDownLatch(users);
		for (int u = 0; u < users; u++) {
			new Thread(() -> {
				try {
					while (System.nanoTime() < end) {
						String[] r = requests.get(cursor.getAndIncrement() % requests.size());
						long s0 = System.nanoTime();
						boolean measured = s0 >= warmUpEnd;
						try {
							String body = send(HttpRequest.newBuilder(URI.create(base + r[1].replace("|", "%7C")))
									.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + r[0])
									.header("Accept", "application/fhir+json").GET().build());
							long micros = (System.nanoTime() - s0) / 1000;
							// a request started in the window counts even when it ends after it: a question slower
							// than the window is slow, not missing
							if (!measured) {
								result.warmUp.add(micros);
							} else {
								result.micros.add(micros);
								Matcher m = ENTRY.matcher(body);
								long n = 0;
								while (m.find()) {
									n++;
								}
								result.entries.addAndGet(n);
							}
						} catch (IOException | RuntimeException e) {
							if (measured) {
								errors.incrementAndGet();
								if (result.errorSamples.size() < 3) {
									result.errorSamples.add(e.getMessage());
								}
							}
						}
					}
				} finally {
					done.countDown();
				}
			}).start();
		}
		done.await();
		result.errors = errors.get();
		if (result.micros.isEmpty() && !result.warmUp.isEmpty()) {
			// every request took longer than the warm-up and the window together: the warm-up's are all there is
			result.micros.addAll(result.warmUp);
		}
		result.count = result.micros.size();
		result.seconds = seconds;
		result.sorted = result.micros.stream().mapToLong(Long::longValue).sorted().toArray();
		return result;
	}

	static double percentile(long[] sorted, int p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

	// ------------------------------------------------------------------------------------------------ memory, metrics

	/**
	 * Samples the server JVM's resident memory, and PostgreSQL's: the proportional set size of the postmaster and its
	 * backends (pg_ctl detaches the postmaster from the JVM; its pid is in the data directory's postmaster.pid).
	 */
	static final class MemorySampler {
		private final long pid;
		private final Path postmasterPid;
		private volatile boolean running = true;
		private volatile long maxJvmKb;
		private volatile long maxPgKb;
		private Thread thread;

		MemorySampler(long pid, Path dataDir) {
			this.pid = pid;
			this.postmasterPid = dataDir.resolve("postgres/postmaster.pid");
		}

		private long postgresKb() {
			try {
				long postmaster = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
				return ProcessHandle.of(postmaster).map(h -> field("/proc/" + postmaster + "/smaps_rollup", "Pss:")
						+ h.descendants().mapToLong(d -> field("/proc/" + d.pid() + "/smaps_rollup", "Pss:")).sum())
						.orElse(0L);
			} catch (IOException | RuntimeException e) {
				return 0;
			}
		}

		void start() {
			thread = new Thread(() -> {
				while (running) {
					maxJvmKb = Math.max(maxJvmKb, field("/proc/" + pid + "/status", "VmRSS:"));
					maxPgKb = Math.max(maxPgKb, postgresKb());
					try {
						Thread.sleep(1000);
					} catch (InterruptedException e) {
						return;
					}
				}
			});
			thread.setDaemon(true);
			thread.start();
		}

		void stop() throws InterruptedException {
			running = false;
			thread.interrupt();
			thread.join();
		}

		long maxJvmMb() {
			return maxJvmKb / 1024;
		}

		long maxPostgresMb() {
			return maxPgKb / 1024;
		}

		static long field(String file, String name) {
			try {
				for (String line : Files.readAllLines(Path.of(file))) {
					if (line.startsWith(name)) {
						return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
					}
				}
			} catch (IOException | RuntimeException e) {
				// the process ended between listing and reading
			}
			return 0;
		}
	}

	/** Figures as key=value lines, appended (the run script adds its own: ready time, memory after start, DB size). */
	static final class Metrics {
		private final Path file;

		Metrics(Path file) {
			this.file = file;
		}

		void put(String key, Object value) {
			String text = value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value);
			try {
				Files.writeString(file, key + "=" + text + "\n", StandardCharsets.UTF_8,
						java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}

		static Map<String, String> read(Path file) throws IOException {
			Map<String, String> map = new LinkedHashMap<>();
			for (String line : Files.readAllLines(file)) {
				int eq = line.indexOf('=');
				if (eq > 0) {
					map.put(line.substring(0, eq), line.substring(eq + 1));
				}
			}
			return map;
		}
	}
}

/** Writes results.json, results.md and the charts from the metrics of a tuned run and its baseline. */
final class Report {

	record Line(String label, String key, String unit, boolean higherIsBetter) {}

	static final List<Line> LINES = new ArrayList<>();

	static {
		LINES.add(new Line("ingest, resources/s (sustained, whole load)", "load.resources_per_second", "/s", true));
		LINES.add(new Line("ingest over the baseline's load (the same first children), resources/s",
				"load.prefix_resources_per_second", "/s", true));
		LINES.add(new Line("ingest errors", "load.errors", "", false));
		LINES.add(new Line("transaction of the load, p50", "load.bundle_p50_ms", "ms", false));
		LINES.add(new Line("transaction of the load, p95", "load.bundle_p95_ms", "ms", false));
		LINES.add(new Line("Synthea-style bundles (a child's whole record each, one client), resources/s",
				"synthea.resources_per_second", "/s", true));
		LINES.add(new Line("Synthea-style bundle, p50", "synthea.bundle_p50_ms", "ms", false));
		LINES.add(new Line("Synthea-style bundles, errors", "synthea.errors", "", false));
		LINES.add(new Line("Synthea-style bundles, a second round on the same server (other children), resources/s",
				"synthea_second.resources_per_second", "/s", true));
		LINES.add(new Line("Synthea-style bundles, second round, errors", "synthea_second.errors", "", false));
		for (Bench.Kind k : Bench.KINDS) {
			for (String p : List.of("p50", "p95", "p99")) {
				LINES.add(new Line(k.label() + ", " + p, "query." + k.key() + "." + p + "_ms", "ms", false));
			}
			LINES.add(new Line(k.label() + ", throughput", "query." + k.key() + ".throughput", "/s", true));
			LINES.add(new Line(k.label() + ", errors", "query." + k.key() + ".errors", "", false));
		}
		LINES.add(new Line("statistics of every school and council, published, seconds", "statistics.publish_seconds",
				"s", false));
		for (String export : List.of("plain", "pseudonymised")) {
			String of = "export of everything (" + export + ")";
			LINES.add(new Line(of + ", kick-off to manifest", "export." + export + ".seconds", "s", false));
			LINES.add(new Line(of + ", resources/s", "export." + export + ".resources_per_second", "/s", true));
			LINES.add(new Line(of + ", files downloaded", "export." + export + ".download_seconds", "s", false));
			LINES.add(new Line(of + ", server RSS max", "export." + export + ".rss_max_mb", "MB", false));
			LINES.add(new Line(of + ", one user's child by NHS number beside it, p95", "export." + export
					+ ".beside_p95_ms", "ms", false));
		}
		LINES.add(new Line("time to ready, empty database", "ready.first_seconds", "s", false));
		LINES.add(new Line("time to ready, loaded database", "ready.loaded_seconds", "s", false));
		LINES.add(new Line("server RSS after start", "memory.after_start_mb", "MB", false));
		LINES.add(new Line("server RSS under load, max", "load.rss_max_mb", "MB", false));
		LINES.add(new Line("server RSS under queries, max", "query.rss_max_mb", "MB", false));
		LINES.add(new Line("PostgreSQL memory (PSS) under load, max", "load.postgres_pss_max_mb", "MB", false));
		LINES.add(new Line("database size", "db.bytes_mb", "MB", false));
		LINES.add(new Line("database size per resource", "db.bytes_per_resource", "bytes", false));
		LINES.add(new Line("database growth from the queries (audit, stored searches)", "query.db_growth_mb", "MB", false));
		LINES.add(new Line("database growth per audited read", "query.db_bytes_per_read", "bytes", false));
	}

	/** A column the report sets beside ChildLink's, with its ratio: a previous release, plain HAPI, plain HAPI afresh. */
	record Column(String name, String ratioName, Map<String, String> metrics) {}

	static void write(Path out, Path tunedDir, Path baselineDir, Path releaseDir, Path freshDir) throws IOException {
		Map<String, String> tuned = Bench.Metrics.read(tunedDir.resolve("metrics"));
		Map<String, String> base = metricsIn(baselineDir);
		Map<String, String> release = metricsIn(releaseDir);
		Map<String, String> fresh = metricsIn(freshDir);
		samePrefix(tuned, base);
		samePrefix(tuned, release);
		boolean withRelease = !release.isEmpty();
		List<Column> columns = new ArrayList<>();
		if (withRelease) {
			columns.add(new Column("previous release", "ratio to the release", release));
		}
		columns.add(new Column("plain HAPI", columns.isEmpty() && fresh.isEmpty() ? "ratio" : "ratio to plain HAPI", base));
		if (!fresh.isEmpty()) {
			columns.add(new Column("plain HAPI, every search afresh", "ratio to plain HAPI afresh", fresh));
		}
		StringBuilder md = new StringBuilder("| measure | ChildLink |");
		columns.forEach(c -> md.append(' ').append(c.name()).append(" |"));
		columns.forEach(c -> md.append(' ').append(c.ratioName()).append(" |"));
		md.append("\n|---|---:|").append("---:|".repeat(2 * columns.size())).append('\n');
		StringBuilder json = new StringBuilder("{\n  \"machine\": \"").append(esc(tuned.getOrDefault("machine", "")))
				.append("\",\n  \"size\": \"").append(esc(tuned.getOrDefault("size", ""))).append("\",\n  \"figures\": [\n");
		String sep = "";
		for (Line line : LINES) {
			String t = tuned.get(line.key());
			String b = base.get(line.key());
			String r = release.get(line.key());
			String f = fresh.get(line.key());
			if (t == null && b == null && r == null && f == null) {
				continue;
			}
			String ratio = ratio(t, b, line.higherIsBetter());
			md.append("| ").append(line.label()).append(" | ").append(show(t, line.unit())).append(" | ");
			columns.forEach(c -> md.append(show(c.metrics().get(line.key()), line.unit())).append(" | "));
			columns.forEach(c -> md.append(ratio(t, c.metrics().get(line.key()), line.higherIsBetter())).append(" | "));
			md.setLength(md.length() - 1);
			md.append('\n');
			json.append(sep).append("    {\"measure\": \"").append(esc(line.label())).append("\", \"key\": \"")
					.append(line.key()).append("\", \"unit\": \"").append(line.unit()).append("\", \"tuned\": ")
					.append(t == null ? "null" : t).append(", \"release\": ").append(r == null ? "null" : r)
					.append(", \"baseline\": ").append(b == null ? "null" : b)
					.append(", \"baseline_afresh\": ").append(f == null ? "null" : f)
					.append(", \"better_by\": ").append(ratio.equals("") ? "null" : ratio.replace("x", "")).append("}");
			sep = ",\n";
		}
		json.append("\n  ],\n  \"tuned\": ").append(map(tuned)).append(",\n  \"release\": ").append(map(release))
				.append(",\n  \"baseline\": ").append(map(base)).append(",\n  \"baseline_afresh\": ").append(map(fresh))
				.append("\n}\n");
		Files.writeString(out.resolve("results.json"), json);
		String header = "# ChildLink benchmark: " + tuned.getOrDefault("size", "") + "\n\n" + tuned.getOrDefault("machine", "")
				+ "; " + tuned.getOrDefault("world.children", "?") + " children (" + tuned.getOrDefault("load.resources", "?")
				+ " resources loaded by ChildLink), seed " + tuned.getOrDefault("world.seed", "?") + ", as of "
				+ tuned.getOrDefault("world.as_of", "?") + "; " + tuned.getOrDefault("load.clients", "?")
				+ " loading clients, profile validation on write " + tuned.getOrDefault("load.validation", "on") + "; "
				+ tuned.getOrDefault("query.users", "?") + " concurrent users per query for "
				+ tuned.getOrDefault("query.seconds_per_kind", "?") + " s each. Baseline: "
				+ base.getOrDefault("baseline.note", "plain HAPI FHIR, the same jar with childlink.plain-hapi=true (HAPI's JPA "
						+ "server with HAPI's defaults on the same embedded PostgreSQL; none of ChildLink's modules: no "
						+ "profiles, validation, access control or audit), the same load and questions") + "."
				+ (withRelease ? " Previous release: " + release.getOrDefault("release.note", "the same run with the previous release's jar") + "." : "")
				+ (fresh.isEmpty() ? "" : " Plain HAPI, every search afresh: plain HAPI with its reuse of an identical search's "
						+ "results for a minute (a HAPI default) turned off, as ChildLink runs every search, asked the same "
						+ "questions on ChildLink's database (the questions repeat a search for the same child or council "
						+ "within the minute: with the reuse, plain HAPI answers many from the first answer's results).")
				+ "\n"
				+ "The ratio is how many times better ChildLink is (above 1: better). \"-\" under plain HAPI: a question "
				+ "it has no means to answer (ChildLink's absence flags and $attendance).\n\n";
		Files.writeString(out.resolve("results.md"), header + md + "\n![latency](latency.svg)\n\n![ingest](ingest.svg)\n");
		Files.writeString(out.resolve("latency.svg"), latencyChart(tuned, base));
		Files.writeString(out.resolve("ingest.svg"), ingestChart(tuned, base));
		System.out.print(header + md);
	}

	static Map<String, String> metricsIn(Path dir) throws IOException {
		return dir != null && Files.exists(dir.resolve("metrics")) ? Bench.Metrics.read(dir.resolve("metrics")) : Map.of();
	}

	static String ratio(String t, String b, boolean higherIsBetter) {
		if (t == null || b == null) {
			return "";
		}
		double tv = Double.parseDouble(t);
		double bv = Double.parseDouble(b);
		if (tv == 0 || bv == 0) {
			return "";
		}
		return String.format(Locale.ROOT, "%.2fx", higherIsBetter ? tv / bv : bv / tv);
	}

	static String show(String v, String unit) {
		if (v == null) {
			return "-";
		}
		double d = Double.parseDouble(v);
		String n = d >= 100 || d == Math.rint(d) ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
		return unit.isEmpty() ? n : n + " " + unit;
	}

	static String esc(String s) {
		return s.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	static String map(Map<String, String> m) {
		StringBuilder b = new StringBuilder("{");
		String sep = "";
		for (Map.Entry<String, String> e : m.entrySet()) {
			String v = e.getValue();
			boolean number = v.matches("-?[0-9]+(\\.[0-9]+)?");
			boolean array = v.startsWith("[");
			b.append(sep).append("\n    \"").append(esc(e.getKey())).append("\": ")
					.append(number || array ? v : "\"" + esc(v) + "\"");
			sep = ",";
		}
		return b.append("\n  }").toString();
	}

	/** p50 and p95 per query kind, tuned against baseline, as horizontal bars (log scale: the kinds differ 100x). */
	static String latencyChart(Map<String, String> t, Map<String, String> b) {
		int rowH = 46;
		int left = 330;
		int width = 980;
		int height = 60 + rowH * Bench.KINDS.size() + 40;
		double max = 1;
		for (Bench.Kind k : Bench.KINDS) {
			for (Map<String, String> m : List.of(t, b)) {
				max = Math.max(max, Double.parseDouble(m.getOrDefault("query." + k.key() + ".p95_ms", "0")));
			}
		}
		double logMax = Math.log10(max * 1.5);
		double logMin = 0; // 1 ms
		StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\""
				+ height + "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
				+ "<text x=\"10\" y=\"20\" font-size=\"15\">Query latency, p95 (bar) and p50 (tick), ms, log scale: ChildLink (blue) vs plain HAPI (grey)</text>\n");
		for (int d = 1; d <= max * 1.5; d *= 10) {
			double x = left + (Math.log10(d) - logMin) / (logMax - logMin) * (width - left - 20);
			s.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" y1=\"40\" x2=\"%.0f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.0f\" y=\"%d\">%d ms</text>\n",
					x, x, height - 30, x - 10, height - 12, d));
		}
		int y = 50;
		for (Bench.Kind k : Bench.KINDS) {
			s.append("<text x=\"10\" y=\"").append(y + 22).append("\">").append(k.label().replace("&", "&amp;")).append("</text>\n");
			int i = 0;
			for (Map<String, String> m : List.of(t, b)) {
				double p95 = Double.parseDouble(m.getOrDefault("query." + k.key() + ".p95_ms", "0"));
				double p50 = Double.parseDouble(m.getOrDefault("query." + k.key() + ".p50_ms", "0"));
				if (p95 > 0) {
					double w = Math.max(1, (Math.log10(Math.max(1, p95)) - logMin) / (logMax - logMin) * (width - left - 20));
					double x50 = left + Math.max(0, (Math.log10(Math.max(1, p50)) - logMin) / (logMax - logMin) * (width - left - 20));
					int by = y + 4 + i * 18;
					s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"15\" fill=\"%s\"/>"
							+ "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>"
							+ "<text x=\"%.0f\" y=\"%d\">%.1f</text>\n", left, by, w, i == 0 ? "#3a6ea5" : "#aaa", x50, by,
							x50, by + 15, left + w + 4, by + 12, p95));
				}
				i++;
			}
			y += rowH;
		}
		return s.append("</svg>\n").toString();
	}

	/** Resources per second over the load, 10-second averages, tuned against baseline. */
	static String ingestChart(Map<String, String> t, Map<String, String> b) {
		long[] tl = timeline(t.get("load.timeline"));
		long[] bl = timeline(b.get("load.timeline"));
		int width = 980;
		int height = 360;
		int left = 60;
		int n = Math.max(tl.length, bl.length);
		long max = 1;
		for (long v : tl) {
			max = Math.max(max, v);
		}
		for (long v : bl) {
			max = Math.max(max, v);
		}
		StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
				+ "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
				+ "<text x=\"10\" y=\"20\" font-size=\"15\">Ingest, resources/s (10 s averages) against minutes of load: ChildLink (blue) vs plain HAPI (grey)</text>\n");
		double sx = (width - left - 20.0) / Math.max(1, n - 1);
		double sy = (height - 80.0) / max;
		for (long v = 0; v <= max; v += Math.max(1, nice(max / 5))) {
			double yy = height - 40 - v * sy;
			s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"#ddd\"/><text x=\"5\" y=\"%.0f\">%d</text>\n",
					left, yy, width - 20, yy, yy + 4, v));
		}
		for (int m = 0; m * 6 < n; m += Math.max(1, n / 60)) {
			double xx = left + m * 6 * sx;
			s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\">%d</text>\n", xx - 4, height - 22, m));
		}
		for (int pass = 0; pass < 2; pass++) {
			long[] l = pass == 0 ? tl : bl;
			StringBuilder pts = new StringBuilder();
			for (int i = 0; i < l.length; i++) {
				pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + i * sx, height - 40 - l[i] * sy));
			}
			s.append("<polyline fill=\"none\" stroke=\"").append(pass == 0 ? "#3a6ea5" : "#999").append("\" stroke-width=\"2\" points=\"")
					.append(pts).append("\"/>\n");
		}
		return s.append("</svg>\n").toString();
	}

	static long nice(long v) {
		long p = 1;
		while (p * 10 <= v) {
			p *= 10;
		}
		return v / p * p;
	}

	/**
	 * When the baseline loaded fewer children than the tuned run (scale), its rate is compared with the tuned run's
	 * over the same first resources, read from the tuned run's 10-second timeline: a long load runs faster once the
	 * JIT has warmed up, so the whole-load rates are not like for like.
	 */
	static void samePrefix(Map<String, String> tuned, Map<String, String> base) {
		long target = Long.parseLong(base.getOrDefault("load.resources", "0"));
		if (target == 0 || target >= Long.parseLong(tuned.getOrDefault("load.resources", "0"))) {
			return;
		}
		long[] perSecond = timeline(tuned.get("load.timeline")); // average resources/s of each 10 s
		long loaded = 0;
		for (int i = 0; i < perSecond.length; i++) {
			if (perSecond[i] > 0 && loaded + perSecond[i] * 10 >= target) {
				double seconds = i * 10 + (target - loaded) / (double) perSecond[i];
				tuned.put("load.prefix_resources_per_second", String.format(Locale.ROOT, "%.2f", target / seconds));
				base.put("load.prefix_resources_per_second", base.get("load.resources_per_second"));
				return;
			}
			loaded += perSecond[i] * 10;
		}
	}

	static long[] timeline(String text) {
		if (text == null || text.length() < 3) {
			return new long[0];
		}
		return Arrays.stream(text.substring(1, text.length() - 1).split(",")).mapToLong(Long::parseLong).toArray();
	}
}
