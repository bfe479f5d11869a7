package uk.childlink.earlyyears;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.time.ZoneId;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Organisations;
import uk.childlink.support.Organisations.Org;
import uk.childlink.support.Records;

/**
 * The early years records over HTTP with real tokens: a health visiting service and an early years setting each
 * record in their own name and are related to the children they serve by what they record (the caseload, the
 * attendance); another setting or service sees none of it, and neither writes the other's kind of record.
 */
class EarlyYearsRecordsIT extends IntegrationTest {

	private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));
	private static final String OBSERVATION_CODE = "https://fhir.childlink.uk/CodeSystem/observation-code";

	@Test
	void settingsAndServicesRecordInTheirOwnNameAndSeeOnlyTheChildrenTheyServe() {
		Org service = Organisations.health(client(), "health-visitor");
		Org setting = Organisations.earlyYearsSetting(client());
		Org otherSetting = Organisations.earlyYearsSetting(client());
		IIdType child = client().create().resource(Fixtures.child(Fixtures.nextNhsNumber(), "Nursery", "Ivy",
				TODAY.minusYears(2).minusMonths(3).toString())).execute().getId().toUnqualifiedVersionless();
		Reference childRef = new Reference(child.getValue());

		// before it records anything the setting has no relationship with the child
		assertThatThrownBy(() -> client(setting.token()).read().resource(Patient.class).withId(child).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isIn(403, 404));

		// the setting records a week's attendance in its own name: from then on it reads the child's record
		client(setting.token()).create().resource(attendance(childRef, setting.ref(), 22.5)).execute();
		assertThat(client(setting.token()).read().resource(Patient.class).withId(child).execute().getIdElement().getIdPart())
				.isEqualTo(child.getIdPart());
		assertThatThrownBy(() -> client(otherSetting.token()).read().resource(Patient.class).withId(child).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isIn(403, 404));
		// not in another setting's name
		assertThatThrownBy(() -> client(otherSetting.token()).create().resource(attendance(childRef, setting.ref(), 10))
				.execute()).isInstanceOfSatisfying(BaseServerResponseException.class,
						e -> assertThat(e.getStatusCode()).isEqualTo(403));

		// the health visiting service's caseload relates it to the child; a setting may not record a review
		client(service.token()).create().resource(Records.healthVisiting(childRef, service.ref(),
				TODAY.minusYears(2).toString(), null)).execute();
		assertThat(client(service.token()).read().resource(Patient.class).withId(child).execute()).isNotNull();
		assertThatThrownBy(() -> client(setting.token()).create().resource(Records.hcpReview(childRef, setting.ref(),
				"2-year-review", TODAY.toString())).execute()).isInstanceOfSatisfying(BaseServerResponseException.class,
						e -> assertThat(e.getStatusCode()).isEqualTo(403));
		client(service.token()).create().resource(Records.hcpReview(childRef, service.ref(), "2-year-review",
				TODAY.minusDays(1).toString())).execute();

		// a bad record is 422 and nothing is written
		Observation tooMany = attendance(childRef, setting.ref(), -3);
		assertThatThrownBy(() -> client(setting.token()).create().resource(tooMany).execute())
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
					assertThat(e.getStatusCode()).isEqualTo(422);
					assertThat(e.getMessage()).contains("cl-eya-2");
				});
		assertThat(client(setting.token()).search().byUrl("Observation?subject=" + child.getValue() + "&code="
				+ OBSERVATION_CODE + "|early-years-attendance").returnBundle(org.hl7.fhir.r4.model.Bundle.class)
				.execute().getEntry()).hasSize(1);
	}

	@Test
	void aUnitOfMeasureOfAMegabyteIsRefusedAtOnce() {
		// HL7's validator parses a UCUM code in time that grows with its square: a 1 MB one held a thread for minutes
		Observation huge = attendance(new Reference("Patient/no-matter"), new Reference("Organization/no-matter"), 1);
		huge.getValueQuantity().setCode("x".repeat(1_100_000));
		var answer = http().send("POST", "/fhir/Observation/$validate", java.util.Map.of("Content-Type",
				"application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(huge));
		assertThat(answer.status()).isIn(200, 412, 422);
		assertThat(answer.body()).contains("characters is not a unit of measure");
	}

	@Test
	void aChildHealthSystemsReviewTypeTranslatesIntoOurs() {
		String answer = http().get("/fhir/ConceptMap/$translate?url=https://fhir.childlink.uk/ConceptMap/hcp-review-to-dch"
				+ "&system=https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1&code=0020&reverse=true").body();
		assertThat(answer).contains("{\"name\":\"result\",\"valueBoolean\":true}", "\"code\":\"2-year-review\"");
	}

	private static Observation attendance(Reference child, Reference setting, double hours) {
		Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
		obs.addCategory().addCoding().setSystem(Records.AGENCY).setCode("education");
		obs.setCode(new CodeableConcept(new Coding(OBSERVATION_CODE, "early-years-attendance", null)));
		obs.setSubject(child).addPerformer(setting);
		obs.setEffective(new Period().setStartElement(new DateTimeType(TODAY.minusDays(7).toString()))
				.setEndElement(new DateTimeType(TODAY.minusDays(3).toString())));
		obs.setValue(new Quantity().setValue(hours).setUnit("hours").setSystem("http://unitsofmeasure.org").setCode("h"));
		return obs;
	}
}
