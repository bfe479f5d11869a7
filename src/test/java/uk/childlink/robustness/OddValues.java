package uk.childlink.robustness;

import java.util.List;
import java.util.Random;

/** Values real-world and hostile senders put where FHIR expects something else, by kind. */
final class OddValues {

	private OddValues() {}

	static final List<String> DATES = List.of("2026-13-45", "2026-02-30", "0000-00-00", "0001-01-01", "20260101",
			"2026-1-1", "26-01-01", "-2026-01-01", "99999-01-01", "2026-01-01T25:61:00Z", "2026-01-01T00:00:00+25:00",
			"2026-01-01T00:00:00", "2026-01-01T12:00Z", "2026-01-01 12:00:00", "2026-W01", "2026-01-01T00:00:00.1234567890Z",
			"today", "now", "1e10", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-01-01T00:00:00+14:00",
			"2026-01-01T00:00:00-12:00", "2026-00", "2026-01-32", "\u0662\u0660\u0662\u0666-01-01");

	static final List<String> STRINGS = List.of("", " ", "\t\n", "\u0000", "a\u0000b", "\ud800", "\udfff\ud800",
			"\u202eevil", "\ufeffbom", "\u0085", "e\u0301\u0301\u0301", "😀👶🏽", "\u200b", "null", "undefined", "NaN",
			"<script>alert(1)</script>", "' OR '1'='1", "%00", "%", "%ZZ", "|", "||", "a|b|c", "\\", "\"", "${jndi:ldap://x}",
			"../../etc/passwd", "Robert'); DROP TABLE hfj_resource;--", "\u0001\u0002\u0003", "ß\u0130\u0131", "ﬃ",
			"\r\n\r\nHTTP/1.1 200 OK", "https://", "urn:uuid:", "#", "?", "*", "$everything", "_history");

	static final List<String> REFERENCES = List.of("Patient/", "Patient", "/Patient/x", "Patient/../Organization/x",
			"http://elsewhere.example/fhir/Patient/1", "https://fhir.childlink.uk/fhir/Patient/1", "#missing", "#",
			"urn:uuid:not-a-uuid", "urn:uuid:00000000-0000-0000-0000-000000000000", "urn:oid:1.2.3",
			"Patient?identifier=", "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018", "Patient?",
			"Patient?_id=", "?", "Patient/1/_history/x", "Patient/1/_history/", " ", "Patient/a b", "Patient/a%20b",
			"Organization/example-child", "Observation/example-attendance-week", "NotAType/1", "patient/1",
			"Patient/" + "x".repeat(70), "Patient/example-child/$everything", "Patient//x", "Patient/\u0000",
			"Patient?identifier=|", "Patient?name=a&name=b", "Patient?_has:Observation:subject:code=x");

	static final List<String> CODES = List.of("no-such-code", "", " ", "CODE WITH SPACES", "\u0000", "😀", "a".repeat(300),
			"https://fhir.childlink.uk/CodeSystem/nope", "urn:oid:", "#", "|");

	static final List<String> NUMBERS = List.of("1e400", "-1e400", "1e-400", "99999999999999999999999999999999999",
			"-0", "0.00000000000000000000000000000000000001", "123456789012345678901234567890.123456789", "-2147483649",
			"2147483648", "9223372036854775808");

	static final List<String> QUERY_VALUES = List.of("", "|", "||", "a|b|c", "%7C", "%00", "%ZZ", "%", "%25", "ge",
			"ge2026-13-45", "ap", "lt", "eq9999999999999999999999", "sa1e400", "2026-02-30", "ge-1", "1e400", "NaN",
			"Patient/", "Patient/x/_history/1", "https://fhir.nhs.uk/Id/nhs-number|", "|9990000018", "%E2%80%AE",
			"%F0%9F%98%80", "%C3%28", "%ED%A0%80", "a%2Cb", ",", ",,", "*", "x".repeat(5_000), "true", "maybe",
			"-1", "0", "2147483648", "abc", "Observation:subject", "Patient:nope", "*:*", ":missing", "http://",
			"%3Cscript%3E", "'%20OR%201=1", "..%2F..%2F", "%0D%0AX:1");

	static final List<String> MODIFIERS = List.of("", "", "", ":missing", ":exact", ":contains", ":not", ":above",
			":below", ":in", ":not-in", ":text", ":of-type", ":identifier", ":Patient", ":Organization", ":bogus", ":",
			":iterate", ":missing:exact");

	static String any(Random random, List<String> values) {
		return values.get(random.nextInt(values.size()));
	}
}
