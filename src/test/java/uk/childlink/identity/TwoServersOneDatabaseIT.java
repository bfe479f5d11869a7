package uk.childlink.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.identity.ConcurrentWrites.Result;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.instance.model.api.IIdType;
import uk.childlink.schools.Pupils;
import uk.childlink.support.AbsenceFlags;
import uk.childlink.support.Fixtures;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Receiver;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.ServerProcess;
import uk.childlink.support.Signals;

/**
 * Two ChildLink processes on one PostgreSQL (the shared test server, and the packaged jar pointed at the shared
 * server's database): the one-record-per-child rule, the relationships, the locks of the attendance imports, the
 * absence flags owed and the signals owed are the database's, so they hold across processes: a signal is sent once
 * whichever process wrote it and whichever sends it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoServersOneDatabaseIT extends IntegrationTest {

	private static final int CLIENTS = 50;

	@Autowired
	EmbeddedPostgres database;

	@TempDir
	static Path secondServerDataDir;

	private ServerProcess second;
	private final Receiver receiver = new Receiver();

	@BeforeAll
	void startSecondServer() throws Exception {
		second = ServerProcess.start(secondServerDataDir, Map.of(
				"SPRING_DATASOURCE_URL", database.getJdbcUrl("postgres", "postgres"),
				"SPRING_DATASOURCE_USERNAME", "postgres",
				"CHILDLINK_ACCESS_DEVISSUER", "true", // a test bench on a shared database: the tests' key
				"CHILDLINK_CARE_FLAGWORKER", "false", // this JVM's server works the flags owed through either
				"CHILDLINK_SIGNALS_ALLOWHTTP", "true", // both deliver to the test's receiver, as this JVM's server does
				"CHILDLINK_SIGNALS_ALLOWEDNETWORKS", "127.0.0.1/32"));
	}

	@AfterAll
	void stopSecondServer() throws Exception {
		receiver.close();
		if (second != null) {
			second.close();
		}
	}

	@Test
	void conditionalCreatesThroughBothServersMakeOneChild() throws Exception {
		String nhs = Fixtures.nextNhsNumber();
		String condition = "Patient?identifier=" + IdentifierSystems.NHS_NUMBER + "|" + nhs;

		List<Result> results = ConcurrentWrites.run(CLIENTS, i -> clientFor(i).create()
				.resource(Fixtures.child(nhs, "Dotterel", "Client" + i, "2016-10-10"))
				.conditionalByUrl(condition)
				.execute());

		assertThat(results).allSatisfy(r -> assertThat(r.status()).isIn(200, 201));
		assertThat(results).extracting(Result::id).containsOnly(results.get(0).id());
		assertThat(results).filteredOn(Result::created).hasSize(1);
		assertThat(ConcurrentUpsertIT.searchTotal(client(), nhs)).isEqualTo(1);
	}

	@Test
	void plainCreatesThroughBothServersGiveOneChildAndConflicts() throws Exception {
		String nhs = Fixtures.nextNhsNumber();

		List<Result> results = ConcurrentWrites.run(CLIENTS, i -> clientFor(i).create()
				.resource(Fixtures.child(nhs, "Whimbrel", "Client" + i, "2017-11-11"))
				.execute());

		assertThat(results).filteredOn(r -> r.status() == 201).hasSize(1);
		assertThat(results).filteredOn(r -> r.status() == 409).hasSize(CLIENTS - 1);
		assertThat(ConcurrentUpsertIT.searchTotal(client(), nhs)).isEqualTo(1);
	}

	@Test
	void aRelationshipChangedThroughOneServerHoldsAtOnceThroughTheOther() {
		String laFrom = Records.nextLaNumber();
		String laTo = Records.nextLaNumber();
		String from = client().create().resource(Records.localAuthority(laFrom)).execute().getId()
				.toUnqualifiedVersionless().getValue();
		String to = client().create().resource(Records.localAuthority(laTo)).execute().getId()
				.toUnqualifiedVersionless().getValue();
		Patient child = Fixtures.child(Fixtures.nextNhsNumber(), "Crossing", "Wren", "2012-02-12");
		child.setManagingOrganization(new Reference(from));
		String id = client().create().resource(child).execute().getId().toUnqualifiedVersionless().getValue();
		RawHttp fromOnSecond = second.http(Tokens.token().organisation(Tokens.LA, laFrom).agency("social-care")
				.scope("user/*.rs").sign());
		RawHttp toOnSecond = second.http(Tokens.token().organisation(Tokens.LA, laTo).agency("social-care")
				.scope("user/*.rs").sign());
		assertThat(fromOnSecond.get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(toOnSecond.get("/fhir/" + id).status()).isEqualTo(404);

		Patient stored = client().read().resource(Patient.class).withId(id).execute();
		stored.setManagingOrganization(new Reference(to));
		client().update().resource(stored).execute();

		// no cache to wait out: the other process reads the relationship the write committed
		assertThat(toOnSecond.get("/fhir/" + id).status()).isEqualTo(200);
		assertThat(fromOnSecond.get("/fhir/" + id).status()).isEqualTo(404);
	}

	@Test
	void anAbsenceFlagOwedThroughOneServerIsBroughtUpToDateByTheOther() {
		IGenericClient viaSecond = second.client(FHIR);
		Reference school = new Reference(viaSecond.create().resource(Records.school(Records.nextUrn())).execute()
				.getId().toUnqualifiedVersionless().getValue());
		IIdType child = AbsenceFlags.absentChild(viaSecond, school, "Owed");

		// the second process does not work flags, and this one never saw the write: it found the work in the database
		AbsenceFlags.awaitPersistent(client(), child, Duration.ofSeconds(30));
	}

	@Test
	void signalsOfPlansWrittenThroughBothServersAreSentOnceEach() throws Exception {
		IGenericClient viaSecond = second.client(FHIR);
		Reference gp = Signals.register(client(), Records.healthProvider("T" + Records.nextUrn()));
		Reference council = Signals.register(client(), Records.localAuthority(Records.nextLaNumber()));
		Signals.subscribe(client(), gp, receiver.url("/twice"));
		// both processes send signals and deliver notifications: they race for each one, and the database lets one of them have it
		List<Callable<IIdType>> writes = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			IGenericClient through = i % 2 == 0 ? client() : viaSecond;
			writes.add(() -> Signals.childWithNewPlan(through, gp, council, "Twice"));
		}
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<IIdType> children = new ArrayList<>();
			for (Future<IIdType> child : pool.invokeAll(writes)) {
				children.add(child.get());
			}
			children.forEach(child -> Signals.await(client(), child, 1, Duration.ofSeconds(60)));
			// a signal's Tasks commit with its mark as sent: a second sending would have had to run beside the first
			for (IIdType child : children) {
				assertThat(Signals.of(client(), child)).as("one Task for the GP about " + child.getValue()).hasSize(1)
						.allSatisfy(t -> assertThat(t.getOwner().getReference()).isEqualTo(gp.getReference()));
			}
			for (IIdType child : children) {
				receiver.await("/twice", b -> b.contains("\"" + child.getValue() + "\""), Duration.ofSeconds(60));
			}
			Thread.sleep(2_000); // a second delivery, were one process to repeat another's, would come at once
			for (IIdType child : children) {
				assertThat(Signals.notificationsAbout(receiver, "/twice", child)).as("one notification about " + child.getValue())
						.isEqualTo(1);
			}
		} finally {
			pool.shutdownNow();
		}
	}

	@Test
	void marksImportedThroughBothServersAtOnceAreAllKept() throws Exception {
		String urn = Pupils.school(client());
		List<String> upns = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			upns.add(Pupils.pupil(client(), "Concurrent", "Pupil" + i, "2014-03-0" + (1 + i % 9)));
		}
		List<LocalDate> mondays = List.of(Pupils.pastMonday(6), Pupils.pastMonday(7), Pupils.pastMonday(8));
		for (LocalDate monday : mondays) {
			// the same pupils' same week, Monday's marks through one server and Tuesday's through the other, at once:
			// each week is read, merged and written by one of them at a time, so neither's marks are lost
			StringBuilder mondayMarks = new StringBuilder("urn,upn,date,session,code\n");
			StringBuilder tuesdayMarks = new StringBuilder("urn,upn,date,session,code\n");
			for (String upn : upns) {
				mondayMarks.append(marks(urn, upn, monday, "/"));
				tuesdayMarks.append(marks(urn, upn, monday.plusDays(1), "N"));
			}
			CompletableFuture<RawHttp.Response> here = CompletableFuture.supplyAsync(() -> importMarks(http(),
					mondayMarks.toString()));
			CompletableFuture<RawHttp.Response> there = CompletableFuture.supplyAsync(() -> importMarks(second.http(),
					tuesdayMarks.toString()));
			for (RawHttp.Response response : List.of(here.get(), there.get())) {
				assertThat(response.status()).as(response.body()).isEqualTo(200);
				Parameters report = FHIR.newJsonParser().parseResource(Parameters.class, response.body());
				assertThat(((IntegerType) report.getParameter("rejected").getValue()).getValue()).as(response.body())
						.isZero();
			}
		}
		for (String upn : upns) {
			Bundle weeks = client().search().byUrl("Observation?subject:Patient.identifier=" + Pupils.UPN + "|" + upn
					+ "&code=https://fhir.childlink.uk/CodeSystem/observation-code|attendance-summary")
					.returnBundle(Bundle.class).execute();
			assertThat(weeks.getEntry()).as(upn).hasSize(mondays.size());
			for (Bundle.BundleEntryComponent week : weeks.getEntry()) {
				Map<String, Integer> counts = new java.util.HashMap<>();
				((Observation) week.getResource()).getComponent().forEach(c -> counts.put(
						c.getCode().getCodingFirstRep().getCode(), c.getValueIntegerType().getValue()));
				assertThat(counts).as(upn).containsEntry("possible-sessions", 4).containsEntry("present", 2)
						.containsEntry("unauthorised", 2);
			}
		}
	}

	private static String marks(String urn, String upn, LocalDate day, String code) {
		return urn + "," + upn + "," + day + ",AM," + code + "\n" + urn + "," + upn + "," + day + ",PM," + code + "\n";
	}

	private static RawHttp.Response importMarks(RawHttp http, String csv) {
		return http.send("POST", "/fhir/$import-attendance", Map.of("Content-Type", "text/csv", "Accept",
				"application/fhir+json"), csv);
	}

	/** Even-numbered clients talk to this JVM's server, odd-numbered ones to the second process. */
	private IGenericClient clientFor(int i) {
		return i % 2 == 0 ? client() : second.client(FHIR);
	}
}
