package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * The audit trail: every access to a child's data leaves an AuditEvent (who, for which organisation and agency,
 * what, which child, the outcome, a break-glass reason), which the child's council reads and nobody changes.
 */
class AuditIT extends IntegrationTest {

	private static World world;

	@BeforeEach
	void world() {
		if (world == null) {
			world = World.create(client());
		}
	}

	@Test
	void aReadIsAuditedWithWhoForWhomWhatAndWhichChild() {
		String subject = "teacher-" + System.nanoTime();
		String token = world.schoolAPerson(subject, "user/*.rs");
		assertThat(http(token).get("/fhir/Observation?subject=" + world.ada).status()).isEqualTo(200);
		AuditEvent event = single(trail(world.councilToken(), world.ada), by(subject));
		assertThat(event.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
		assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
		assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
		assertThat(event.getAgentFirstRep().getRoleFirstRep().getCodingFirstRep().getCode()).isEqualTo("education");
		assertThat(event.getAgentFirstRep().getAltId()).isEqualTo("childlink-tests");
		assertThat(event.getAgent().get(1).getWho().getIdentifier().getValue()).isEqualTo(world.urnA);
		assertThat(event.getEntity()).anyMatch(e -> world.ada.equals(e.getWhat().getReference()));
		assertThat(event.getEntity()).anyMatch(e -> e.hasQuery()
				&& new String(e.getQuery(), StandardCharsets.UTF_8).equals("GET Observation?subject=" + world.ada));
	}

	@Test
	void aWriteIsAuditedAndAFailedOneLeavesOnlyItsRefusal() {
		String subject = "writer-" + System.nanoTime();
		String token = world.schoolAPerson(subject, "user/*.cruds");
		Observation week = Records.attendanceWeek(new Reference(world.ada), new Reference(world.schoolA),
				world.monday, world.friday, 8, 2, 0);
		assertThat(post(token, week).status()).isEqualTo(201);
		Observation foreign = Records.attendanceWeek(new Reference(world.ada), new Reference(world.schoolB),
				world.monday, world.friday, 8, 2, 0);
		assertThat(post(token, foreign).status()).isEqualTo(403);
		List<AuditEvent> events = trail(world.councilToken(), world.ada).stream().filter(by(subject)).toList();
		assertThat(events).hasSize(2);
		assertThat(events).filteredOn(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._0).singleElement()
				.satisfies(e -> assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.C));
		assertThat(events).filteredOn(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._4).singleElement()
				.satisfies(e -> assertThat(e.getOutcomeDesc()).startsWith("403"));
	}

	@Test
	void updatesDeletesAndOperationsAreAuditedWithTheirAction() {
		String subject = "keeper-" + System.nanoTime();
		String token = world.schoolAPerson(subject, "user/*.cruds");
		Observation week = Records.attendanceWeek(new Reference(world.ada), new Reference(world.schoolA),
				world.monday, world.friday, 7, 3, 0);
		RawHttp.Response created = post(token, week);
		assertThat(created.status()).isEqualTo(201);
		Observation stored = FHIR.newJsonParser().parseResource(Observation.class, created.body());
		String id = stored.getIdElement().toUnqualifiedVersionless().getValue();
		stored.addNote().setText("corrected by the school");
		assertThat(http(token).send("PUT", "/fhir/" + id, Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(stored)).status()).isEqualTo(200);
		assertThat(http(token).send("DELETE", "/fhir/" + id, Map.of(), null).status()).isEqualTo(200);
		assertThat(http(token).get("/fhir/" + world.ada + "/$everything").status()).isEqualTo(200);
		List<AuditEvent> events = trail(world.councilToken(), world.ada).stream().filter(by(subject)).toList();
		// newest first: $everything, delete, update, create
		assertThat(events).extracting(e -> e.getAction().toCode()).containsExactly("E", "D", "U", "C");
		assertThat(events).extracting(e -> e.getSubtypeFirstRep().getCode())
				.containsExactly("operation", "delete", "update", "create");
		assertThat(events.get(0).getEntity()).anyMatch(e -> e.hasQuery()
				&& new String(e.getQuery(), StandardCharsets.UTF_8).equals("GET " + world.ada + "/$everything"));
	}

	@Test
	void aRefusedReadOfTheChildIsInHerTrailToo() {
		String subject = "curious-" + System.nanoTime();
		String token = Tokens.token().subject(subject).organisation(Tokens.ODS, world.yotOds).agency("youth-justice")
				.scope("user/*.rs").sign();
		assertThat(http(token).get("/fhir/" + world.ada).status()).isEqualTo(404);
		AuditEvent event = single(trail(world.councilToken(), world.ada), by(subject));
		assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
	}

	@Test
	void breakingTheGlassIsAuditedWithTheReasonForTheCouncilToSee() {
		String reason = "Unconscious in ED " + System.nanoTime();
		RawHttp.Response read = http(world.clinicianToken()).send("GET", "/fhir/" + world.ada,
				Map.of("X-Break-Glass-Reason", reason, "Accept", "application/fhir+json"), null);
		assertThat(read.status()).isEqualTo(200);
		AuditEvent event = single(trail(world.councilToken(), world.ada),
				e -> e.getPurposeOfEventFirstRep().getText() != null && e.getPurposeOfEventFirstRep().getText().equals(reason));
		assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("BTG");
		assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("ed-doctor");
	}

	@Test
	void onlyTheChildsCouncilAndAnAdminReadHerTrail() {
		http(world.gpToken()).get("/fhir/" + world.ada);
		assertThat(trail(world.councilToken(), world.ada)).isNotEmpty();
		assertThat(trail(Tokens.admin(), world.ada)).isNotEmpty();
		// her GP and her school have a relationship with her, but do not read who else looked
		assertThat(trail(world.gpToken(), world.ada)).isEmpty();
		assertThat(trail(Tokens.token().organisation(Tokens.SCHOOL, world.urnA).agency("education").scope("user/*.rs")
				.sign(), world.ada)).isEmpty();
	}

	@Test
	void theTrailCannotBeChangedOrDeleted() {
		AuditEvent any = trail(Tokens.admin(), world.ada).get(0);
		String id = any.getIdElement().toUnqualifiedVersionless().getValue();
		any.setOutcomeDesc("rewritten");
		for (String token : List.of(world.councilToken(), Tokens.admin())) {
			RawHttp http = http(token);
			assertThat(http.send("PUT", "/fhir/" + id, Map.of("Content-Type", "application/fhir+json"),
					FHIR.newJsonParser().encodeResourceToString(any)).status()).isEqualTo(403);
			assertThat(http.send("DELETE", "/fhir/" + id, Map.of(), null).status()).isEqualTo(403);
		}
		AuditEvent stored = FHIR.newJsonParser().parseResource(AuditEvent.class, http().get("/fhir/" + id).body());
		assertThat(stored.getOutcomeDesc()).isNotEqualTo("rewritten");
		assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
	}

	private List<AuditEvent> trail(String token, String child) {
		RawHttp.Response response = http(token).get("/fhir/AuditEvent?child=" + child + "&_count=500&_sort=-date");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}

	private static Predicate<AuditEvent> by(String subject) {
		return e -> subject.equals(e.getAgentFirstRep().getWho().getIdentifier().getValue());
	}

	private static AuditEvent single(List<AuditEvent> events, Predicate<AuditEvent> which) {
		List<AuditEvent> found = events.stream().filter(which).toList();
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	private RawHttp.Response post(String token, Observation obs) {
		return http(token).send("POST", "/fhir/Observation", Map.of("Content-Type", "application/fhir+json"),
				FHIR.newJsonParser().encodeResourceToString(obs));
	}
}
