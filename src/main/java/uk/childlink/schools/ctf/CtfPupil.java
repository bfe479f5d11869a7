package uk.childlink.schools.ctf;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import uk.childlink.identity.InvalidIdentifierException;
import uk.childlink.identity.Uln;
import uk.childlink.identity.Upn;

/**
 * What ChildLink takes from one {@code <Pupil>} of a CTF, checked: identifiers valid, dates real and not in the
 * future. Anything wrong is collected in {@link #problems()} (the pupil is then rejected whole).
 */
record CtfPupil(
		int line,
		String upn,
		boolean temporaryUpn,
		List<String> formerUpns,
		String uln,
		String surname,
		String forename,
		String middleNames,
		String preferredSurname,
		String preferredForename,
		String formerSurname,
		LocalDate birthDate,
		String gender,
		String ethnicity,
		Address address,
		List<Phone> phones,
		String email,
		List<Contact> contacts,
		Boolean inCare,
		String careAuthority,
		List<Sen> sen,
		List<Fsm> fsm,
		List<YearData> attendance,
		List<String> problems) {

	record Address(List<String> lines, String town, String district, String postcode, String country) {}

	record Phone(String type, String number) {}

	record Contact(String title, String surname, String forename, String relationship, boolean responsibility,
			List<Phone> phones, String email) {}

	record Sen(LocalDate start, String provision) {}

	record Fsm(LocalDate start, LocalDate end) {}

	record YearData(int line, String year, String lea, String estab, Integer possible, Integer authorised,
			Integer attended, Integer unauthorised, LocalDate start, String marks) {}

	/** Reads a pupil element; {@code today} bounds the dates. */
	static CtfPupil of(Node pupil, LocalDate today) {
		Parse p = new Parse(today);
		String upnText = pupil.text("UPN");
		Upn upn = p.upn("UPN", upnText, true);
		List<String> former = new ArrayList<>();
		for (Node basic : pupil.all("BasicDetails")) {
			for (Node f : basic.all("FormerUPN")) {
				Upn old = p.upn("FormerUPN", f.text.toString().strip(), false);
				if (old != null && (upn == null || !old.value().equals(upn.value()))) {
					former.add(old.value());
				}
			}
		}
		String uln = null;
		String ulnText = pupil.text("UniqueLearnerNumber");
		if (ulnText != null) {
			try {
				uln = Uln.parse(ulnText).value();
			} catch (InvalidIdentifierException e) {
				p.problem("UniqueLearnerNumber: " + e.getMessage());
			}
		}
		String surname = p.required("Surname", pupil.text("Surname"));
		String forename = p.required("Forename", pupil.text("Forename"));
		LocalDate dob = p.date("DOB", p.required("DOB", pupil.text("DOB")));
		String gender = p.gender(pupil.firstText("Gender", "Sex"));

		Node basic = pupil.child("BasicDetails");
		String middle = basic == null ? null : basic.text("MiddleNames");
		String preferredSurname = basic == null ? null : basic.text("PreferredSurname");
		String preferredForename = basic == null ? null : basic.text("PreferredForename");
		String formerSurname = basic == null ? null : basic.text("FormerSurname");
		String ethnicity = basic == null ? null : basic.text("Ethnicity");

		Boolean inCare = null;
		String careAuthority = null;
		Node lac = pupil.child("LookedAfter");
		if (lac != null) {
			inCare = p.bool("LookedAfter/InCare", lac.text("InCare"));
			careAuthority = lac.text("CareAuthority");
			if (careAuthority != null && !careAuthority.matches("[0-9]{3}")) {
				p.problem("LookedAfter/CareAuthority '" + careAuthority + "' is not a 3-digit LA number");
			}
		}

		List<Sen> sen = new ArrayList<>();
		Node senHistory = pupil.child("SENhistory");
		if (senHistory != null) {
			for (Node s : senHistory.all("SEN")) {
				LocalDate start = p.date("SEN/StartDate", p.required("SEN/StartDate", s.text("StartDate")));
				String provision = p.required("SEN/SENprovision", s.text("SENprovision"));
				if (start != null && provision != null) {
					sen.add(new Sen(start, provision));
				}
			}
		}
		List<Fsm> fsm = new ArrayList<>();
		Node fsmHistory = pupil.child("FSMhistory");
		if (fsmHistory != null) {
			for (Node f : fsmHistory.all("FSMinstance")) {
				LocalDate start = p.date("FSMstartDate", p.required("FSMstartDate", f.text("FSMstartDate")));
				LocalDate end = p.date("FSMendDate", f.text("FSMendDate"));
				if (start != null && end != null && end.isBefore(start)) {
					p.problem("FSMinstance: FSMendDate " + end + " is before FSMstartDate " + start);
				}
				if (start != null) {
					fsm.add(new Fsm(start, end));
				}
			}
		}

		Address address = null;
		Node addr = pupil.child("Address");
		if (addr != null) {
			Node bs = addr.child("BS7666Address");
			List<String> lines = new ArrayList<>();
			String town = null;
			String district = null;
			if (bs != null) {
				addLine(lines, bs.text("SAON"));
				addLine(lines, join(bs.text("PAON"), bs.text("Street")));
				addLine(lines, bs.text("Locality"));
				town = bs.firstText("PostTown", "Town");
				district = bs.text("AdministrativeArea");
			}
			Node other = addr.child("AddressLines");
			if (other != null) {
				for (Node l : other.children) {
					addLine(lines, l.text.toString().strip());
				}
			}
			address = new Address(lines, town, district, addr.text("PostCode"), addr.text("Country"));
		}

		List<Phone> phones = phones(pupil.child("Phones"));
		String email = pupil.firstText("Email/EmailAddress", "Email");

		List<Contact> contacts = new ArrayList<>();
		Node contactList = pupil.child("Contacts");
		if (contactList != null) {
			for (Node c : contactList.all("Contact")) {
				String cs = c.text("Surname");
				if (cs == null) {
					p.problem("Contact without a Surname");
					continue;
				}
				contacts.add(new Contact(c.text("Title"), cs, c.text("Forename"), c.text("Relationship"),
						"1".equals(c.text("Responsibility")) || "true".equalsIgnoreCase(c.text("Responsibility")),
						phones(c.child("Phones")), c.firstText("Email/EmailAddress", "Email")));
			}
		}

		List<YearData> years = new ArrayList<>();
		Node attendance = pupil.child("Attendance");
		if (attendance != null) {
			for (Node y : attendance.all("YearData")) {
				years.add(new YearData(y.line, y.text("Year"), y.text("LEA"), y.text("Estab"),
						p.count("SessionsPossible", y.text("SessionsPossible")),
						p.count("SessionsAuthorised", y.text("SessionsAuthorised")),
						p.count("SessionsAttended", y.text("SessionsAttended")),
						p.count("SessionsUnauthorised", y.text("SessionsUnauthorised")),
						p.date("AttendanceStartDate", y.text("AttendanceStartDate")), y.text("AttendanceMarks")));
			}
		}

		return new CtfPupil(pupil.line, upn == null ? upnText : upn.value(), upn != null && upn.temporary(), former, uln,
				surname, forename, middle, preferredSurname, preferredForename, formerSurname, dob, gender, ethnicity,
				address, phones, email, contacts, inCare, careAuthority, sen, fsm, years, p.problems);
	}

	private static List<Phone> phones(Node list) {
		List<Phone> phones = new ArrayList<>();
		if (list != null) {
			for (Node phone : list.all("Phone")) {
				String number = phone.firstText("PhoneNo", "TelephoneNumber");
				if (number != null) {
					phones.add(new Phone(phone.text("TelephoneType"), number));
				}
			}
		}
		return phones;
	}

	private static void addLine(List<String> lines, String line) {
		if (line != null && !line.isBlank()) {
			lines.add(line.strip());
		}
	}

	private static String join(String a, String b) {
		if (a == null) {
			return b;
		}
		return b == null ? a : a + " " + b;
	}

	/** Checks values and collects what is wrong. */
	private static final class Parse {
		final LocalDate today;
		final List<String> problems = new ArrayList<>();

		Parse(LocalDate today) {
			this.today = today;
		}

		void problem(String problem) {
			problems.add(problem);
		}

		String required(String what, String value) {
			if (value == null) {
				problem(what + " is missing");
			}
			return value;
		}

		Upn upn(String what, String text, boolean required) {
			if (text == null) {
				if (required) {
					problem(what + " is missing (a pupil without a UPN cannot be matched)");
				}
				return null;
			}
			try {
				return Upn.parse(text);
			} catch (InvalidIdentifierException e) {
				problem(what + ": " + e.getMessage());
				return null;
			}
		}

		LocalDate date(String what, String text) {
			if (text == null) {
				return null;
			}
			try {
				LocalDate date = LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
				if (date.isAfter(today)) {
					problem(what + " " + date + " is in the future");
				}
				return date;
			} catch (DateTimeParseException e) {
				problem(what + " '" + text + "' is not a date (YYYY-MM-DD)");
				return null;
			}
		}

		String gender(String text) {
			if (text == null) {
				return null;
			}
			return switch (text.toUpperCase(java.util.Locale.ROOT)) {
				case "M" -> "male";
				case "F" -> "female";
				default -> {
					problem("Gender '" + text + "' is not M or F");
					yield null;
				}
			};
		}

		Boolean bool(String what, String text) {
			if (text == null) {
				return null;
			}
			return switch (text.toLowerCase(java.util.Locale.ROOT)) {
				case "true", "1", "yes", "y" -> true;
				case "false", "0", "no", "n" -> false;
				default -> {
					problem(what + " '" + text + "' is not true or false");
					yield null;
				}
			};
		}

		Integer count(String what, String text) {
			if (text == null) {
				return null;
			}
			try {
				int n = Integer.parseInt(text);
				if (n < 0) {
					problem(what + " is negative");
				}
				return n;
			} catch (NumberFormatException e) {
				problem(what + " '" + text + "' is not a whole number");
				return null;
			}
		}
	}
}
