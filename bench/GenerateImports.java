import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic school data for bench/imports.sh, deterministic from a seed (run with: java bench/GenerateImports.java
 * DIR PUPILS MARK_PUPILS [SEED]). Writes, in DIR:
 *   ctf.xml          a CTF 24 of PUPILS pupils, each with a school year of attendance marks (380 sessions),
 *                    SEN, free-school-meal and looked-after data for some;
 *   roll.xml         a CTF of MARK_PUPILS other pupils without attendance (registers them for the marks);
 *   marks.csv        a school year of daily register marks for those pupils (MARK_PUPILS x 380 rows), in date
 *                    order as a MIS's daily exports would be concatenated.
 * Pupils are invented; UPNs are valid and issued under LA 999 (no such council).
 *
 * With CURRENT_YEAR=1 in the environment, the roll's marks are for the current school year up to yesterday instead (the
 * absence flags, and the signals they make, are of the current school year), as many sessions as that is, and
 * plans.txt lists the UPNs of a sample of the roll for bench/imports.sh to give child protection plans: every pupil
 * who misses a fifth of sessions and as many who do not.
 */
public class GenerateImports {

	static final String LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";
	static final String[] ETHNICITY = {"WBRI", "WIRI", "WOTH", "MWBC", "MWBA", "AIND", "APKN", "BAFR", "CHNE", "NOBT"};
	static final String[] FAMILY = {"Ashworth", "Blaxland", "Cottingham", "Dunmore", "Ellingham", "Fairclough",
			"Gathercole", "Hollingworth", "Illingworth", "Jessop", "Kettlewell", "Lockwood", "Merriman", "Northcott"};
	static final String[] GIVEN = {"Alba", "Bram", "Cress", "Dorian", "Elowen", "Fenn", "Gethin", "Hollis", "Isolde",
			"Jory", "Kit", "Lark", "Merryn", "Nye", "Orrin", "Perrin", "Quill", "Rowan", "Sorrel", "Tamsin"};
	static final LocalDate YEAR_START = LocalDate.of(2024, 9, 2); // a Monday
	static final int SESSIONS = 380;

	public static void main(String[] args) throws IOException {
		Path dir = Path.of(args[0]);
		int pupils = Integer.parseInt(args[1]);
		int markPupils = Integer.parseInt(args[2]);
		long seed = args.length > 3 ? Long.parseLong(args[3]) : 0;
		Files.createDirectories(dir);
		List<LocalDate> days = schoolDays();
		ctf(dir.resolve("ctf.xml"), "999201", "2001", 0, pupils, days, true, new Random(20250718L + seed));
		List<LocalDate> markDays = "1".equals(System.getenv("CURRENT_YEAR")) ? thisSchoolYearUntilYesterday() : days;
		ctf(dir.resolve("roll.xml"), "999202", "2002", 50_000, markPupils, markDays, false,
				new Random(20250719L + seed));
		double[] absentee = marks(dir.resolve("marks.csv"), "999202", 50_000, markPupils, markDays,
				new Random(20250720L + seed));
		if ("1".equals(System.getenv("CURRENT_YEAR"))) {
			int absentees = 0;
			try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("plans.txt"))) {
				int others = 0;
				for (int i = 0; i < markPupils; i++) {
					boolean absent = absentee[i] > 0.1;
					if (!absent && i % 9 == 0 && others < markPupils / 10) {
						others++;
						out.write(upn(50_000 + i) + "\n");
					} else if (absent) {
						absentees++;
						out.write(upn(50_000 + i) + "\n");
					}
				}
			}
			Files.writeString(dir.resolve("plans-absent.count"), absentees + "\n");
		}
	}

	/** Weekdays from the first Monday of this school year's September to yesterday. */
	static List<LocalDate> thisSchoolYearUntilYesterday() {
		LocalDate today = LocalDate.now();
		int startYear = today.getMonthValue() >= 9 ? today.getYear() : today.getYear() - 1;
		List<LocalDate> days = new ArrayList<>();
		LocalDate d = LocalDate.of(startYear, 9, 1);
		while (d.getDayOfWeek() != DayOfWeek.MONDAY) {
			d = d.plusDays(1);
		}
		for (; d.isBefore(today); d = d.plusDays(1)) {
			if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
				days.add(d);
			}
		}
		return days;
	}

	static List<LocalDate> schoolDays() {
		List<LocalDate> days = new ArrayList<>();
		for (LocalDate d = YEAR_START; days.size() < SESSIONS / 2; d = d.plusDays(1)) {
			if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
				days.add(d);
			}
		}
		return days;
	}

	static String upn(int serial) {
		String body = "9992002" + String.format("%05d", serial);
		int sum = 0;
		for (int position = 2; position <= 13; position++) {
			sum += (body.charAt(position - 2) - '0') * position;
		}
		return LETTERS.charAt(sum % 23) + body;
	}

	/** A session's mark: mostly present, some illness, appointments, lateness, unexplained absence, a closure. */
	static String mark(Random random, int session, double absentee) {
		double r = random.nextDouble();
		if (r < absentee * 0.5) return "I";
		if (r < absentee * 0.7) return "N";
		if (r < absentee * 0.8) return "M";
		if (r < absentee * 0.9) return "O";
		if (r < absentee) return "C1";
		if (r < absentee + 0.02) return "L";
		if (r < absentee + 0.025) return "V";
		return session % 2 == 0 ? "/" : "\\";
	}

	static void ctf(Path file, String urn, String estab, int firstSerial, int pupils, List<LocalDate> days,
			boolean attendance, Random random) throws IOException {
		try (BufferedWriter out = Files.newBufferedWriter(file)) {
			out.write("""
					<?xml version="1.0" encoding="UTF-8"?>
					<CTfile>
					  <Header>
					    <DocumentName>Common Transfer File</DocumentName>
					    <CTFversion>24.0</CTFversion>
					    <DateTime>2025-07-18T09:30:00</DateTime>
					    <DocumentQualifier>full</DocumentQualifier>
					    <SupplierID>ChildLink benchmark</SupplierID>
					    <SourceSchool><LEA>999</LEA><Estab>%s</Estab><URN>%s</URN><SchoolName>Bench School %s</SchoolName><AcademicYear>2024/25</AcademicYear></SourceSchool>
					  </Header>
					  <CTFpupilData>
					""".formatted(estab, urn, urn));
			for (int i = 0; i < pupils; i++) {
				int serial = firstSerial + i;
				// name and birth date follow the serial, so that no two pupils share all three (a real roll has few such)
				String family = FAMILY[serial % FAMILY.length];
				String given = GIVEN[(serial / FAMILY.length) % GIVEN.length];
				LocalDate dob = LocalDate.of(2010, 9, 1).plusDays((serial * 7L) % 2555 + serial / 3650);
				out.write("    <Pupil>\n      <UPN>" + upn(serial) + "</UPN>\n      <Surname>" + family + "</Surname>\n"
						+ "      <Forename>" + given + "</Forename>\n      <DOB>" + dob + "</DOB>\n      <Gender>"
						+ (random.nextBoolean() ? "M" : "F") + "</Gender>\n      <BasicDetails><Ethnicity>"
						+ ETHNICITY[random.nextInt(ETHNICITY.length)] + "</Ethnicity></BasicDetails>\n");
				if (attendance) {
					out.write("      <LookedAfter><InCare>" + (random.nextInt(100) == 0) + "</InCare><CareAuthority>999"
							+ "</CareAuthority></LookedAfter>\n");
					if (random.nextInt(10) == 0) {
						out.write("      <SENhistory><SEN><StartDate>2023-09-04</StartDate><SENprovision>"
								+ (random.nextInt(4) == 0 ? "E" : "K") + "</SENprovision></SEN></SENhistory>\n");
					}
					if (random.nextInt(5) == 0) {
						out.write("      <FSMhistory><FSMinstance><FSMstartDate>2023-01-09</FSMstartDate>"
								+ "<UKcountry>ENG</UKcountry></FSMinstance></FSMhistory>\n");
					}
				}
				out.write("      <Address><BS7666Address><PAON>" + (1 + random.nextInt(200)) + "</PAON><Street>"
						+ family + " Road</Street><PostTown>Benchton</PostTown></BS7666Address><PostCode>ZZ99 "
						+ (1 + random.nextInt(9)) + "BB</PostCode></Address>\n");
				out.write("      <Contacts><Contact><Surname>" + family + "</Surname><Forename>"
						+ GIVEN[random.nextInt(GIVEN.length)] + "</Forename><Relationship>PAR</Relationship>"
						+ "<Responsibility>1</Responsibility><Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>07700 9"
						+ String.format("%05d", serial % 100_000) + "</PhoneNo></Phone></Phones></Contact></Contacts>\n");
				if (attendance) {
					double absentee = random.nextInt(10) == 0 ? 0.2 : 0.04;
					StringBuilder marks = new StringBuilder();
					for (int s = 0; s < days.size() * 2; s++) {
						marks.append(mark(random, s, absentee));
					}
					out.write("      <Attendance><YearData><Year>2024</Year><LEA>999</LEA><Estab>" + estab
							+ "</Estab><AttendanceStartDate>" + days.get(0) + "</AttendanceStartDate><AttendanceMarks>"
							+ marks + "</AttendanceMarks></YearData></Attendance>\n");
				}
				out.write("    </Pupil>\n");
			}
			out.write("  </CTFpupilData>\n</CTfile>\n");
		}
	}

	/** Writes the marks; the share of sessions each pupil misses. */
	static double[] marks(Path file, String urn, int firstSerial, int pupils, List<LocalDate> days, Random random)
			throws IOException {
		double[] absentee = new double[pupils];
		for (int i = 0; i < pupils; i++) {
			absentee[i] = random.nextInt(10) == 0 ? 0.2 : 0.04;
		}
		try (BufferedWriter out = Files.newBufferedWriter(file)) {
			out.write("urn,upn,date,session,code\n");
			for (LocalDate day : days) {
				for (int session = 0; session < 2; session++) {
					for (int i = 0; i < pupils; i++) {
						out.write(urn + "," + upn(firstSerial + i) + "," + day + "," + (session == 0 ? "AM" : "PM") + ","
								+ mark(random, session, absentee[i]) + "\n");
					}
				}
			}
		}
		return absentee;
	}
}
