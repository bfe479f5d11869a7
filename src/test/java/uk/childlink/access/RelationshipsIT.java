package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * The relationships follow the records that make them, at once and to the day: a record older than the policy's
 * recent period makes none, a deleted one ends its relationship, a hand-over of the responsible authority moves it,
 * and a GP practice named by ODS code only (as NHS systems send it) is related once it is registered.
 */
class RelationshipsIT extends IntegrationTest {

	@Test
	void aRecordsDateStartsAndEndsTheRelationshipAndDeletingItEndsItAtOnce() {
		String urn = Records.nextUrn();
		String school = create(Records.school(urn));
		String child = create(Fixtures.child(Fixtures.nextNhsNumber(), "Dayton", "Rue", "2014-04-04"));
		String token = Tokens.token().organisation(Tokens.SCHOOL, urn).agency("education").scope("user/*.rs").sign();

		// a week three years ago: the two-year recent period has passed
		LocalDate longAgo = LocalDate.now().minusYears(3);
		create(Records.attendanceWeek(new Reference(child), new Reference(school), longAgo.toString(),
				longAgo.plusDays(4).toString(), 10, 0, 0));
		assertThat(http(token).get("/fhir/" + child).status()).isEqualTo(404);

		LocalDate recent = LocalDate.now().minusWeeks(1);
		String week = create(Records.attendanceWeek(new Reference(child), new Reference(school), recent.toString(),
				recent.plusDays(4).toString(), 10, 0, 0));
		assertThat(http(token).get("/fhir/" + child).status()).isEqualTo(200);

		assertThat(http().send("DELETE", "/fhir/" + week, Map.of(), null).status()).isEqualTo(200);
		assertThat(http(token).get("/fhir/" + child).status()).as("the record that made it is gone").isEqualTo(404);
		assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
				http(token).get("/fhir/Patient?_id=" + child.substring(8)).body()).getEntry()).isEmpty();
	}

	@Test
	void aHandOverMovesTheResponsibleAuthoritysRelationshipAtOnce() {
		String laFrom = Records.nextLaNumber();
		String laTo = Records.nextLaNumber();
		String from = create(Records.localAuthority(laFrom));
		String to = create(Records.localAuthority(laTo));
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Mover", "Ivy", "2013-03-03");
		child.setManagingOrganization(new Reference(from));
		String id = create(child);
		String fromToken = Tokens.token().organisation(Tokens.LA, laFrom).agency("social-care").scope("user/*.cruds").sign();
		String toToken = Tokens.token().organisation(Tokens.LA, laTo).agency("social-care").scope("user/*.cruds").sign();
		assertThat(http(fromToken).get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(http(toToken).get("/fhir/" + id).status()).isEqualTo(404);

		Patient stored = FHIR.newJsonParser().parseResource(Patient.class, http(fromToken).get("/fhir/" + id).body());
		stored.setManagingOrganization(new Reference(to));
		assertThat(http(fromToken).send("PUT", "/fhir/" + id, Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(stored)).status()).isEqualTo(200);

		assertThat(http(toToken).get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(http(fromToken).get("/fhir/" + id).status()).isEqualTo(404);
		assertThat(http(toToken).get("/fhir/Patient?_id=" + id.substring(8)).body()).contains(id.substring(8));
	}

	@Test
	void aGpPracticeNamedByOdsCodeIsRelatedOnceRegistered() {
		String ods = "A" + Records.nextUrn();
		create(Records.healthProvider(ods));
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Coded", "Pip", "2019-09-09");
		child.addGeneralPractitioner(new Reference().setIdentifier(
				new Identifier().setSystem(Tokens.ODS).setValue(ods)).setDisplay("Example Practice"));
		String id = create(child);
		String gp = Tokens.token().organisation(Tokens.ODS, ods).agency("health").scope("user/*.rs").sign();

		assertThat(http(gp).get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(http(gp).get("/fhir/Patient?_id=" + id.substring(8)).body()).contains(id.substring(8));
	}

	private String create(org.hl7.fhir.r4.model.Resource resource) {
		return client().create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}
}
