package uk.childlink.schools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.identity.TestIdentifiers;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.Records;

/**
 * The CTF import never guesses between children: ambiguous and conflicting matches reject the pupil, possible ones
 * are named; and a pupil whose transaction fails part-way leaves nothing behind while the others go in.
 */
class CtfMatchingIT extends IntegrationTest {

	@Autowired
	IInterceptorService interceptors;

	@Test
	void ambiguousOrConflictingMatchesRejectThePupilAndPossibleOnesAreNamed() {
		IGenericClient client = client();
		String twinA = create(client, child("Twinning", "Ada", "2015-01-01", null, false));
		String twinB = create(client, child("Twinning", "Ada", "2015-01-01", null, false));
		String otherUpn = TestIdentifiers.nextPermanentUpn();
		String holder = create(client, child("Holloway", "Benedict", "2014-02-02", otherUpn, false));
		String possible = create(client, child("Possett", "Cara", "2013-03-03", null, false));
		String shared = TestIdentifiers.nextPermanentUpn();
		String current = create(client, child("Sharer", "Dai", "2012-04-04", shared, false));
		String former = create(client, child("Sharer", "Dee", "2012-05-05", shared, true));

		String ada = TestIdentifiers.nextPermanentUpn();
		String ben = TestIdentifiers.nextPermanentUpn();
		String cara = TestIdentifiers.nextPermanentUpn();
		Parameters report = post(CtfHostileInputIT.header(Records.nextUrn(), "24.0")
				+ CtfHostileInputIT.pupil(ada, "Twinning").replace("<Forename>Test</Forename>", "<Forename>Ada</Forename>")
						.replace("2015-05-05", "2015-01-01")
				+ CtfHostileInputIT.pupil(ben, "Holloway").replace("<Forename>Test</Forename>", "<Forename>Benedict</Forename>")
						.replace("2015-05-05", "2014-02-02")
				+ CtfHostileInputIT.pupil(cara, "Postlethwaite").replace("<Forename>Test</Forename>", "<Forename>Cara</Forename>")
						.replace("2015-05-05", "2013-03-03")
				+ CtfHostileInputIT.pupil(shared, "Sharer")
				+ CtfHostileInputIT.END);

		Map<String, Parameters.ParametersParameterComponent> pupils = CtfImportIT.pupils(report);
		assertThat(CtfImportIT.totals(report)).containsExactly(1, 0, 0, 3);
		assertThat(CtfImportIT.messages(pupils.get(ada))).contains("name and birth date match")
				.contains("Patient/" + twinA).contains("Patient/" + twinB);
		assertThat(CtfImportIT.messages(pupils.get(ben))).contains("Patient/" + holder)
				.contains("has the same name and birth date but the permanent UPN " + otherUpn);
		assertThat(CtfImportIT.outcome(pupils.get(cara))).isEqualTo("created");
		assertThat(CtfImportIT.messages(pupils.get(cara))).contains("possibly the same child as Patient/" + possible);
		assertThat(CtfImportIT.messages(pupils.get(shared))).contains("UPN " + shared + " is held by")
				.contains("Patient/" + current).contains("Patient/" + former);
		for (String rejected : new String[] {ada, ben}) {
			assertThat(withUpn(client, rejected)).isZero();
		}
		assertThat(withUpn(client, cara)).isOne();
	}

	/** Fails the write of one pupil's SEN record, after its child and other records were handed to storage. */
	@Interceptor
	public static class FailOneRecord {
		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void created(IBaseResource resource) {
			if (resource instanceof Observation obs && obs.getEffective() instanceof Period period
					&& "2020-01-06".equals(period.getStartElement().getValueAsString())) {
				throw new IllegalStateException("simulated storage fault");
			}
		}
	}

	@Test
	void aPupilWhoseTransactionFailsPartWayLeavesNothingAndTheOthersGoIn() {
		String failing = TestIdentifiers.nextPermanentUpn();
		String fine = TestIdentifiers.nextPermanentUpn();
		String file = CtfHostileInputIT.header(Records.nextUrn(), "24.0")
				+ CtfHostileInputIT.pupil(failing, "Faulty").replace("    </Pupil>", "      <SENhistory><SEN><StartDate>"
						+ "2020-01-06</StartDate><SENprovision>K</SENprovision></SEN></SENhistory>\n"
						+ "      <FSMhistory><FSMinstance><FSMstartDate>2019-09-02</FSMstartDate></FSMinstance></FSMhistory>\n"
						+ "    </Pupil>")
				+ CtfHostileInputIT.pupil(fine, "Fine")
				+ CtfHostileInputIT.END;
		FailOneRecord fault = new FailOneRecord();
		interceptors.registerInterceptor(fault);
		Parameters report;
		try {
			report = post(file);
		} finally {
			interceptors.unregisterInterceptor(fault);
		}

		Map<String, Parameters.ParametersParameterComponent> pupils = CtfImportIT.pupils(report);
		assertThat(CtfImportIT.outcome(pupils.get(failing))).isEqualTo("rejected");
		assertThat(CtfImportIT.messages(pupils.get(failing))).contains("server error");
		assertThat(CtfImportIT.outcome(pupils.get(fine))).isEqualTo("created");
		IGenericClient client = client();
		assertThat(withUpn(client, failing)).isZero();
		assertThat(client.search().forResource(Observation.class)
				.where(Observation.DATE.exactly().day("2019-09-02")).returnBundle(Bundle.class).execute().getEntry()
				.stream().map(e -> (Observation) e.getResource())
				.filter(o -> o.getCode().getCodingFirstRep().getCode().equals("fsm-eligibility"))
				.filter(o -> o.getSubject().getReference().contains("ctf-"))).isEmpty();
	}

	private static Patient child(String family, String given, String birthDate, String upn, boolean former) {
		Patient child = new Patient();
		if (upn != null) {
			Identifier id = child.addIdentifier().setSystem(Pupils.UPN).setValue(upn);
			id.addExtension(Pupils.UPN_STATUS, new CodeType("permanent"));
			if (former) {
				id.setUse(Identifier.IdentifierUse.OLD);
			}
		}
		child.addName().setFamily(family).addGiven(given);
		child.setBirthDateElement(new DateType(birthDate));
		return child;
	}

	private static String create(IGenericClient client, Patient child) {
		return client.create().resource(child).execute().getId().getIdPart();
	}

	private Parameters post(String xml) {
		return CtfImportIT.postCtf(http(), xml);
	}

	private static int withUpn(IGenericClient client, String upn) {
		return client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(Pupils.UPN, upn)).returnBundle(Bundle.class).execute()
				.getEntry().size();
	}
}
