package uk.childlink.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.childlink.support.ServerProcess;

/**
 * The jar as plain HAPI FHIR ({@code childlink.plain-hapi=true}), the benchmark's baseline: HAPI's JPA server and
 * nothing of ChildLink's, so that what the benchmark compares is ChildLink against what a user would run instead.
 */
class PlainHapiIT {

	private static final FhirContext FHIR = FhirContext.forR4(); // its own: the client settings below stay here

	@TempDir
	Path dir;

	@Test
	void servesFhirWithNoneOfChildLinksRulesProfilesOrAccessControl() throws Exception {
		try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--childlink.plain-hapi=true")) {
			FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
			IGenericClient anyone = FHIR.newRestfulGenericClient(server.baseUrl()); // no token at all

			// a check digit ChildLink refuses (no valid one exists for 999000000), stored as sent
			Patient child = new Patient();
			child.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9990000001");
			child.addName().setFamily("Plain").addGiven("Pia");
			IdType id = (IdType) anyone.create().resource(child).execute().getId();
			Patient read = anyone.read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute();
			assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo("9990000001");

			// an Observation none of ChildLink's profiles would accept (no code system of ours, no status rules)
			Observation bare = new Observation();
			bare.setStatus(Observation.ObservationStatus.FINAL);
			bare.getCode().setText("anything");
			bare.setSubject(new Reference(id.toUnqualifiedVersionless()));
			assertThat(anyone.create().resource(bare).execute().getCreated()).isTrue();

			// ChildLink's profiles are not loaded, and the server says what it is
			assertThatThrownBy(() -> anyone.read().resource(StructureDefinition.class).withId("childlink-child").execute())
					.isInstanceOf(ResourceNotFoundException.class);
			CapabilityStatement capabilities = anyone.capabilities().ofType(CapabilityStatement.class).execute();
			assertThat(capabilities.getSoftware().getName()).isEqualTo("HAPI FHIR");
			assertThat(FHIR.newJsonParser().encodeResourceToString(capabilities)).doesNotContain("import-ctf");
			assertThat(server.log()).contains("PLAIN HAPI FHIR (childlink.plain-hapi=true)")
					.doesNotContain("Start-up garbage collected"); // ChildLink's start-up tuning is not the baseline's
		}
	}
}
