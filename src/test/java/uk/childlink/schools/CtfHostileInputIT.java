package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;

/**
 * Broken and hostile files: each is refused with a clear OperationOutcome (nothing written) or, when it breaks
 * part-way, stops with the pupils before the break written whole and listed.
 */
class CtfHostileInputIT extends IntegrationTest {

	static String header(String urn, String version) {
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CTfile>\n  <Header>\n    <CTFversion>" + version
				+ "</CTFversion>\n    <DateTime>2025-07-18T09:30:00</DateTime>\n    <SourceSchool>\n      <LEA>990</LEA>\n"
				+ "      <Estab>2001</Estab>\n      <URN>" + urn + "</URN>\n      <SchoolName>Hostile Test School</SchoolName>\n"
				+ "    </SourceSchool>\n  </Header>\n  <CTFpupilData>\n";
	}

	static String pupil(String upn, String surname) {
		return "    <Pupil>\n      <UPN>" + upn + "</UPN>\n      <Surname>" + surname + "</Surname>\n"
				+ "      <Forename>Test</Forename>\n      <DOB>2015-05-05</DOB>\n      <Gender>M</Gender>\n    </Pupil>\n";
	}

	static final String END = "  </CTFpupilData>\n</CTfile>\n";

	@Test
	void aDoctypeIsRefusedWholeWhetherItReachesForAFileOrMultipliesEntities() {
		String urn = Records.nextUrn();
		String upn = TestIdentifiers.nextPermanentUpn();
		String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE CTfile [ <!ENTITY secret SYSTEM \"file:///etc/passwd\"> ]>\n"
				+ header(urn, "24.0").substring(header(urn, "24.0").indexOf("<CTfile>"))
				+ pupil(upn, "&secret;") + END;
		assertRefused(send(xxe), 400, "DOCTYPE");

		StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE CTfile [\n <!ENTITY lol \"lol\">\n");
		for (int i = 1; i <= 9; i++) {
			laughs.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
					.append("\">\n");
		}
		laughs.append("]>\n<CTfile><Header><CTFversion>&lol9;</CTFversion></Header></CTfile>\n");
		long started = System.nanoTime();
		assertRefused(send(laughs.toString()), 400, "DOCTYPE");
		assertThat((System.nanoTime() - started) / 1_000_000).as("refused at once, not expanded").isLessThan(10_000);

		assertThat(patientsWithUpn(upn)).isZero();
		assertThat(client().search().forResource(Organization.class)
				.where(Organization.IDENTIFIER.exactly().systemAndCode(Records.URN, urn)).returnBundle(Bundle.class)
				.execute().getEntry()).isEmpty();
	}

	@Test
	void filesThatAreNotACtf24AreRefusedWithWhatIsWrong() {
		String urn = Records.nextUrn();
		String upn = TestIdentifiers.nextPermanentUpn();
		assertRefused(send("<CTfile><Header><CTFversion>24.0</Header>"), 400, "malformed XML");
		assertRefused(send("this is not XML at all"), 400, "malformed XML");
		assertRefused(send("<Bundle xmlns=\"http://hl7.org/fhir\"/>"), 400, "root element is <Bundle>");
		assertRefused(send(header(urn, "17.0") + pupil(upn, "Old") + END), 400, "CTF version 17.0 is not supported");
		assertRefused(send(header("12", "24.0") + pupil(upn, "Nourn") + END), 400, "no valid <URN>");
		assertRefused(send(header(urn, "24.0").replace("2025-07-18", "2099-01-01") + END), 400, "in the future");
		RawHttp.Response json = http().send("POST", "/fhir/$import-ctf",
				Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json"), "{}");
		assertRefused(json, 415, "application/xml");
		RawHttp.Response huge = http().send("POST", "/fhir/$import-ctf", Map.of("Content-Type", "application/xml",
				"Accept", "application/fhir+json", "Content-Length", "700000000"), null);
		assertRefused(huge, 413, "max-upload-size");
		assertThat(patientsWithUpn(upn)).isZero();
	}

	@Test
	void aFileThatBreaksPartWayStopsThereWithThePupilsBeforeItWrittenWhole() {
		String urn = Records.nextUrn();
		String first = TestIdentifiers.nextPermanentUpn();
		String second = TestIdentifiers.nextPermanentUpn();
		String broken = header(urn, "24.0") + pupil(first, "Before") + "    <Pupil><UPN>" + second
				+ "</UPN><Surname>Broken</Surname>\n" + END;

		RawHttp.Response response = send(broken);

		OperationOutcome outcome = assertRefused(response, 422, "could not be read to its end");
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("The 1 pupils before that point were dealt with");
		assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains(first).contains("created"));
		assertThat(patientsWithUpn(first)).isOne();
		assertThat(patientsWithUpn(second)).isZero();
	}

	@Test
	void oversizedTextOrCommentsAreRefusedWithoutFillingTheMemory() {
		String urn = Records.nextUrn();
		String first = TestIdentifiers.nextPermanentUpn();
		String second = TestIdentifiers.nextPermanentUpn();

		// in the first pupil: nothing has been written, the file is refused whole
		OperationOutcome refused = assertRefused(send(header(urn, "24.0") + pupil(first, "x".repeat(200_000)) + END), 400,
				"more than 20000 characters");
		assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("nothing was imported");
		assertRefused(send(header(urn, "24.0") + pupil(first, "Comment").replace("<Surname>",
				"<!--" + "c".repeat(1_000_000) + "--><Surname>") + END), 400, "malformed XML");
		assertThat(patientsWithUpn(first)).isZero();

		// after a pupil was written: the file stops there, that pupil listed
		OperationOutcome stopped = assertRefused(send(header(urn, "24.0") + pupil(first, "Precedent")
				+ pupil(second, "x".repeat(200_000)) + END), 422, "more than 20000 characters");
		assertThat(stopped.getIssueFirstRep().getDiagnostics()).contains("The 1 pupils before that point");
		assertThat(stopped.getIssue().get(1).getDiagnostics()).contains(first).contains("created");
		assertThat(patientsWithUpn(first)).isOne();
		assertThat(patientsWithUpn(second)).isZero();
	}

	private RawHttp.Response send(String xml) {
		return http().send("POST", "/fhir/$import-ctf",
				Map.of("Content-Type", "application/xml", "Accept", "application/fhir+json"), xml);
	}

	private static OperationOutcome assertRefused(RawHttp.Response response, int status, String text) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(text);
		return outcome;
	}

	private int patientsWithUpn(String upn) {
		IGenericClient client = client();
		return client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(Pupils.UPN, upn)).returnBundle(Bundle.class).execute()
				.getEntry().size();
	}
}
