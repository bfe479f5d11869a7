package uk.childlink.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * Every interceptor that reads a client's resource, given the shapes that made HAPI's {@code hasX()} lie: primitives
 * carrying only an extension (a data-absent reason) and identifiers without a system, in the elements the rules read
 * (identifiers, references by identifier, performers, codings' systems, postcodes, canonical URLs), through every
 * write path (create, update, transaction, conditional create) and {@code $match}, as an admin and as a school's and
 * a council's writer. None may answer 5xx; a refusal is an OperationOutcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValuelessElementsIT extends IntegrationTest {

	private static final String ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

	private String urn;
	private String la;
	private String schoolId;
	private String councilId;
	private String childId;
	private final Map<String, RawHttp> callers = new LinkedHashMap<>();

	@BeforeAll
	void organisationsAndAChild() {
		urn = Records.nextUrn();
		la = Records.nextLaNumber();
		schoolId = client().create().resource(Records.school(urn)).execute().getId().toUnqualifiedVersionless().getValue();
		councilId = client().create().resource(Records.localAuthority(la)).execute().getId().toUnqualifiedVersionless()
				.getValue();
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Valueless", "Vera", "2015-03-04");
		child.setManagingOrganization(new Reference(councilId));
		childId = client().create().resource(child).execute().getId().toUnqualifiedVersionless().getValue();
		client().create().resource(Records.attendanceWeek(new Reference(childId), new Reference(schoolId), "2026-09-07",
				"2026-09-11", 10, 0, 0)).execute(); // the school's relationship with the child
		callers.put("admin", http());
		callers.put("school", http(Tokens.token().organisation(Tokens.SCHOOL, urn).agency("education")
				.scope("user/*.cruds").sign()));
		callers.put("council", http(Tokens.token().organisation(Tokens.LA, la).agency("social-care")
				.scope("user/*.cruds").sign()));
	}

	/** A primitive with no value: only a data-absent reason. */
	private static <T extends org.hl7.fhir.r4.model.PrimitiveType<?>> T absent(T element) {
		element.addExtension(ABSENT, new CodeType("unknown"));
		return element;
	}

	private static Identifier systemless(String value) {
		return new Identifier().setValue(value);
	}

	private static Identifier absentSystem(String value) {
		Identifier identifier = new Identifier().setValue(value);
		identifier.setSystemElement(absent(new UriType()));
		return identifier;
	}

	private static Identifier absentValue(String system) {
		Identifier identifier = new Identifier().setSystem(system);
		identifier.setValueElement(absent(new StringType()));
		return identifier;
	}

	private Map<String, Supplier<Resource>> cases() {
		Map<String, Supplier<Resource>> cases = new LinkedHashMap<>();
		cases.put("child: identifiers without a system or a value, valueless active and postcode", () -> {
			Patient p = Fixtures.child(Fixtures.nextNhsNumber(), "Valueless", "Ned", "2016-01-02");
			p.addIdentifier(systemless("S-1"));
			p.addIdentifier(absentSystem("S-2"));
			p.addIdentifier(absentValue(Fixtures.NHS_NUMBER_SYSTEM));
			p.setActiveElement(absent(new BooleanType()));
			p.addAddress().setPostalCodeElement(absent(new StringType()));
			return p;
		});
		cases.put("child: council and GP named by identifiers without a system", () -> {
			Patient p = Fixtures.child(Fixtures.nextNhsNumber(), "Valueless", "Gus", "2016-01-03");
			p.setManagingOrganization(new Reference().setIdentifier(systemless(la)));
			p.addGeneralPractitioner(new Reference().setIdentifier(absentSystem("A81001")));
			p.addGeneralPractitioner(new Reference().setIdentifier(absentValue(Tokens.ODS)));
			return p;
		});
		cases.put("child: a valueless reference to the council", () -> {
			Patient p = Fixtures.child(Fixtures.nextNhsNumber(), "Valueless", "Ria", "2016-01-04");
			Reference council = new Reference();
			council.setReferenceElement(absent(new StringType()));
			p.setManagingOrganization(council);
			return p;
		});
		cases.put("attendance: performer by an identifier without a system, a coding with a valueless system", () -> {
			Observation week = Records.attendanceWeek(new Reference(childId), new Reference().setIdentifier(
					systemless(urn)), "2026-09-14", "2026-09-18", 9, 1, 0);
			week.getCategoryFirstRep().addCoding().setSystemElement(absent(new UriType())).setCode("x");
			return week;
		});
		cases.put("attendance: performer by an identifier with a valueless system, subject by identifier only", () -> {
			Observation week = Records.attendanceWeek(new Reference().setIdentifier(systemless("9990000018")),
					new Reference().setIdentifier(absentSystem(urn)), "2026-09-21", "2026-09-25", 10, 0, 0);
			week.getPerformer().add(new Reference().setIdentifier(absentValue(Records.URN)));
			return week;
		});
		cases.put("child protection plan: the council by an identifier without a value", () -> Records.cpPlan(
				new Reference(childId), new Reference().setIdentifier(absentValue(Records.LA_NUMBER)), "2026-10-01",
				null, "neglect"));
		cases.put("contact: service provider by an identifier without a system", () -> Records.contact(
				new Reference(childId), new Reference().setIdentifier(systemless("RX1")), "home-visit", "health",
				"2026-10-02"));
		cases.put("organisation: identifiers without a system or a value", () -> {
			Organization org = Records.school(urn);
			org.addIdentifier(systemless(urn));
			org.addIdentifier(absentValue(Records.URN));
			return org;
		});
		cases.put("flag: identifiers without a system, a valueless one", () -> {
			Flag flag = new Flag();
			flag.setStatus(Flag.FlagStatus.ACTIVE);
			flag.getCode().addCoding(new Coding(Records.BASE + "/CodeSystem/flag-code", "persistent-absence", null));
			flag.setSubject(new Reference(childId));
			flag.addIdentifier(systemless("f-1"));
			flag.addIdentifier(absentSystem("f-2"));
			return flag;
		});
		cases.put("definition: a StructureDefinition whose url has no value", () -> {
			StructureDefinition sd = new StructureDefinition();
			sd.setUrlElement(absent(new UriType()));
			sd.setName("Valueless");
			sd.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.DRAFT);
			sd.setKind(StructureDefinition.StructureDefinitionKind.RESOURCE);
			sd.setAbstract(false);
			sd.setType("Patient");
			return sd;
		});
		cases.put("basic: subject by identifier without a system, author valueless", () -> {
			Basic basic = new Basic();
			basic.getCode().addCoding(new Coding("https://fhir.childlink.uk/access", "relationship-grant", null));
			basic.setSubject(new Reference().setIdentifier(systemless("9990000018")));
			Reference author = new Reference();
			author.setReferenceElement(absent(new StringType()));
			basic.setAuthor(author);
			return basic;
		});
		return cases;
	}

	@Test
	void noInterceptorFailsOnValuelessElements() {
		List<String> failures = new ArrayList<>();
		Map<String, Integer> stored = new LinkedHashMap<>();
		for (Map.Entry<String, RawHttp> caller : callers.entrySet()) {
			int succeeded = 0;
			for (Map.Entry<String, Supplier<Resource>> c : cases().entrySet()) {
				String what = caller.getKey() + ", " + c.getKey();
				Resource resource = c.getValue().get();
				String type = resource.fhirType();
				succeeded += check(failures, what + ", create", caller.getValue().send("POST", "/fhir/" + type,
						json(), FHIR.newJsonParser().encodeResourceToString(resource)));
				resource.setId(type + "/valueless-" + Math.abs(c.getKey().hashCode()));
				succeeded += check(failures, what + ", update", caller.getValue().send("PUT", "/fhir/" + type + "/"
						+ resource.getIdElement().getIdPart(), json(), FHIR.newJsonParser().encodeResourceToString(resource)));
				Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
				Resource fresh = c.getValue().get();
				transaction.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(fresh)
						.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(type);
				succeeded += check(failures, what + ", transaction", caller.getValue().send("POST", "/fhir", json(),
						FHIR.newJsonParser().encodeResourceToString(transaction)));
				Map<String, String> conditional = new LinkedHashMap<>(json());
				conditional.put("If-None-Exist", "identifier=|S-1");
				succeeded += check(failures, what + ", conditional create", caller.getValue().send("POST", "/fhir/"
						+ type, conditional, FHIR.newJsonParser().encodeResourceToString(c.getValue().get())));
			}
			// $match reads the candidate's identifiers, name, birth date and postcode
			Patient candidate = (Patient) cases().values().iterator().next().get();
			Parameters match = new Parameters();
			match.addParameter().setName("resource").setResource(candidate);
			succeeded += check(failures, caller.getKey() + ", $match", caller.getValue().send("POST",
					"/fhir/Patient/$match", json(), FHIR.newJsonParser().encodeResourceToString(match)));
			stored.put(caller.getKey(), succeeded);
		}
		assertThat(failures).isEmpty();
		// and the writes went past the first checks to the storage layer's (relationships, audit) for each caller
		assertThat(stored).allSatisfy((caller, writes) -> assertThat(writes).as(caller).isPositive());
	}

	private static Map<String, String> json() {
		return Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json");
	}

	/**
	 * Notes a failure (5xx, or a refusal without an OperationOutcome); returns 1 when the request succeeded (was
	 * stored, or matched), 0 otherwise.
	 */
	private static int check(List<String> failures, String what, RawHttp.Response response) {
		if (response.status() >= 500) {
			failures.add(what + ": " + response.status() + " " + response.body());
		} else if (response.status() >= 400 && !response.body().contains("\"OperationOutcome\"")) {
			failures.add(what + ": " + response.status() + " without an OperationOutcome: " + response.body());
		}
		return response.status() < 300 ? 1 : 0;
	}
}
