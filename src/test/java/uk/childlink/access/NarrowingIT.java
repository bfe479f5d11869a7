package uk.childlink.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.support.Fixtures;
import uk.childlink.support.IntegrationTest;
import uk.childlink.support.RawHttp;
import uk.childlink.support.Records;
import uk.childlink.support.Tokens;

/**
 * A search costs what the caller may see, not what the database holds: beside 300 children, each with a weight, that a
 * registered school with no relationships may not see, HAPI loads no resource at all for that school's broad searches (counted where HAPI hands the resources it loaded to the access checks, not timed), and a service
 * related to one child loads that child's records only.
 */
class NarrowingIT extends IntegrationTest {

	private static final int HIDDEN = 300;
	private static final String WEIGHT = "http://loinc.org|29463-7";
	private static World world;
	private static String known;
	private static String unrelatedUrn;
	private static String hiddenNhs;
	private static String hiddenChild;

	@Autowired
	IInterceptorService storage;

	@Autowired
	javax.sql.DataSource dataSource;

	private final LoadCounter loads = new LoadCounter();

	@BeforeEach
	void hiddenChildren() {
		storage.registerInterceptor(loads);
		if (world != null) {
			return;
		}
		world = World.create(client());
		unrelatedUrn = Records.nextUrn();
		client().create().resource(Records.school(unrelatedUrn)).execute();
		// 300 children an unrelated trust holds weights for, in one transaction
		String trust = client().create().resource(Records.healthProvider("T" + Records.nextUrn())).execute().getId()
				.toUnqualifiedVersionless().getValue();
		Bundle load = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		hiddenNhs = Fixtures.nextNhsNumber();
		for (int i = 0; i < HIDDEN; i++) {
			String child = "urn:uuid:" + java.util.UUID.randomUUID();
			load.addEntry().setFullUrl(child).setResource(Fixtures.child(i == 0 ? hiddenNhs : Fixtures.nextNhsNumber(), "Hidden", "H" + i,
					"2015-05-05")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
			load.addEntry().setResource(Fixtures.weight(new Reference(child), 20 + i % 10).addPerformer(new Reference(trust)))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}
		Bundle loaded = client().transaction().withBundle(load).execute();
		hiddenChild = new org.hl7.fhir.r4.model.IdType(loaded.getEntry().get(0).getResponse().getLocation())
				.toUnqualifiedVersionless().getValue();
		// and one child the GP of the world is related to, with a weight of its own
		known = world.ada;
		client().create().resource(Fixtures.weight(new Reference(world.ada), 31).addPerformer(new Reference(world.gp)))
				.execute();
	}

	@AfterEach
	void stopCounting() {
		storage.unregisterInterceptor(loads);
	}

	@Test
	void anUnrelatedSchoolsBroadSearchesLoadNoHiddenResource() {
		String subject = "unrelated-" + System.nanoTime();
		String token = Tokens.token().subject(subject).organisation(Tokens.SCHOOL, unrelatedUrn).agency("education")
				.scope("user/*.rs").sign();
		RawHttp school = http(token);
		for (String search : List.of("/fhir/Observation?code=" + WEIGHT + "&_count=20", "/fhir/Observation?_count=20",
				"/fhir/Patient?_count=20", "/fhir/Patient?family=Hidden&_count=20",
				"/fhir/Observation?subject:Patient.family=Hidden&_count=20",
				"/fhir/Observation?code=" + WEIGHT + "&_include=Observation:subject&_count=20")) {
			loads.reset(subject);
			RawHttp.Response found = school.get(search);
			assertThat(found.status()).as(search).isEqualTo(200);
			Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, found.body());
			assertThat(bundle.getEntry()).as(search).isEmpty();
			assertThat(loads.loaded()).as("resources HAPI loaded for %s", search).isZero();
		}
	}

	@Test
	void theSameSearchesInABatchAreNarrowedAsTheyAreAlone() {
		String subject = "unrelated-batch-" + System.nanoTime();
		String token = Tokens.token().subject(subject).organisation(Tokens.SCHOOL, unrelatedUrn).agency("education")
				.scope("user/*.rs").sign();
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		for (String search : List.of("Observation?code=" + WEIGHT + "&_count=20", "Observation?_count=20",
				"Patient?_count=20", "Patient?family=Hidden", "Observation?subject:Patient.family=Hidden&_count=20")) {
			batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(search);
		}
		loads.reset(subject);
		RawHttp.Response answer = http(token).send("POST", "/fhir", java.util.Map.of("Content-Type",
				"application/fhir+json"), FHIR.newJsonParser().encodeResourceToString(batch));
		assertThat(answer.status()).isEqualTo(200);
		Bundle response = FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
		assertThat(response.getEntry()).hasSize(5).allSatisfy(entry -> {
			assertThat(entry.getResponse().getStatus()).as(answer.body()).startsWith("200");
			assertThat(((Bundle) entry.getResource()).getEntry()).as(answer.body()).isEmpty();
		});
		assertThat(loads.loaded()).as("resources HAPI loaded for the batch's searches").isZero();
	}

	@Test
	void aTokenThatMaySearchOnlyPatientsSearchesPatients() {
		// the narrowing's own parameter (a reverse chain to the grants) is not the client's: it needs no scope
		String token = Tokens.token().subject("patients-only-" + System.nanoTime())
				.organisation(Tokens.ODS, world.gpOds).agency("health").scope("user/Patient.rs").sign();
		RawHttp.Response found = http(token).get("/fhir/Patient?_count=20");
		assertThat(found.status()).as(found.body()).isEqualTo(200);
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, found.body());
		assertThat(bundle.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(known);
	}

	@Test
	void everyConnectionPlansASearchWithItsOwnValues() throws java.sql.SQLException {
		// a generic plan takes the caller's grants for an average organisation's few and drives the search from them:
		// at scale a council's lookup by NHS number read its 12,700 grants first (docs/performance.md)
		try (java.sql.Connection connection = dataSource.getConnection();
				java.sql.ResultSet mode = connection.createStatement().executeQuery("SHOW plan_cache_mode")) {
			assertThat(mode.next()).isTrue();
			assertThat(mode.getString(1)).isEqualTo("force_custom_plan");
		}
	}

	@Test
	void aWritePlansGenericallyInItsOwnTransactionOnly() throws java.sql.SQLException {
		// planning each of a write's thousands of index and version statements anew doubled PostgreSQL's CPU for a
		// Synthea-style load (platform/database/WritePlans): a write's transaction plans as PostgreSQL does by default
		java.util.List<String> inTheWrite = uk.childlink.support.PlanProbe.during(storage, dataSource, () -> client()
				.create().resource(Fixtures.weight(new Reference(world.ada), 32).addPerformer(new Reference(world.gp)))
				.execute());
		assertThat(inTheWrite).contains("Observation auto");
		// SET LOCAL: the setting ends with the write's transaction, the connection plans searches with their values
		assertThat(new org.springframework.jdbc.core.JdbcTemplate(dataSource)
				.queryForObject("SHOW plan_cache_mode", String.class)).isEqualTo("force_custom_plan");
	}

	@Test
	void planningASearchThatJoinsReferencesComparesNoLongListsOfResourceIds() throws java.sql.SQLException {
		// every search plans with its values (above); with HAPI's 10,000 most common resource ids per column,
		// estimating each reference join compared two such lists pairwise: 40-80 ms a search (docs/performance.md)
		try (java.sql.Connection connection = dataSource.getConnection();
				java.sql.ResultSet targets = connection.createStatement().executeQuery("SELECT attname, attstattarget "
						+ "FROM pg_attribute WHERE attrelid = 'hfj_res_link'::regclass "
						+ "AND attname IN ('src_resource_id', 'target_resource_id') ORDER BY attname")) {
			java.util.Map<String, Integer> byColumn = new java.util.TreeMap<>();
			while (targets.next()) {
				byColumn.put(targets.getString(1), targets.getInt(2));
			}
			assertThat(byColumn).containsOnlyKeys("src_resource_id", "target_resource_id");
			assertThat(byColumn.values()).allMatch(target -> target <= 100);
		}
	}

	@Test
	void aRelatedServiceLoadsOnlyTheRecordsOfItsChild() {
		String subject = "gp-" + System.nanoTime();
		String token = Tokens.token().subject(subject).organisation(Tokens.ODS, world.gpOds).agency("health")
				.scope("user/*.rs").sign();
		loads.reset(subject);
		RawHttp.Response found = http(token).get("/fhir/Observation?code=" + WEIGHT + "&_count=20");
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, found.body());
		assertThat(bundle.getEntry()).isNotEmpty().allMatch(e -> ((org.hl7.fhir.r4.model.Observation) e.getResource())
				.getSubject().getReference().equals(known));
		assertThat(loads.loaded()).as("its own child's weights, none of the 300").isLessThanOrEqualTo(bundle.getEntry().size());
	}

	@Test
	void aSearchNamingOnlyRelatedChildrenIsCheckedFirstAndRunsWithoutTheGrantsJoin() {
		// the join to the grants triples what PostgreSQL plans a chained search over; naming one's own child needs none
		String subject = "gp-named-" + System.nanoTime();
		RawHttp gp = http(Tokens.token().subject(subject).organisation(Tokens.ODS, world.gpOds).agency("health")
				.scope("user/*.rs").sign());
		// with its system the identifier is found in HAPI's index by SQL; without one, through HAPI's search
		for (String search : List.of("/fhir/Observation?subject:Patient.identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + world.adaNhs,
				"/fhir/Observation?subject:Patient.identifier=" + world.adaNhs,
				"/fhir/Observation?subject=" + known, "/fhir/Observation?patient=" + known.substring("Patient/".length()))) {
			loads.reset(subject);
			RawHttp.Response found = gp.get(search + "&code=" + WEIGHT);
			assertThat(found.status()).as(found.body()).isEqualTo(200);
			Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, found.body());
			assertThat(bundle.getEntry()).as(search).isNotEmpty().allMatch(e ->
					((org.hl7.fhir.r4.model.Observation) e.getResource()).getSubject().getReference().equals(known));
			assertThat(java.net.URLDecoder.decode(bundle.getLink(Bundle.LINK_SELF).getUrl(), java.nio.charset.StandardCharsets.UTF_8)).as(search).doesNotContain("_has");
			assertThat(loads.loaded()).as(search).isEqualTo(bundle.getEntry().size());
		}
	}

	@Test
	void aSearchNamingAChildTheCallerIsNotRelatedToStaysNarrowed() {
		String subject = "gp-hidden-" + System.nanoTime();
		RawHttp gp = http(Tokens.token().subject(subject).organisation(Tokens.ODS, world.gpOds).agency("health")
				.scope("user/*.rs").sign());
		// the hidden child's NHS number written with spaces is held by no record as written (a search of Patient
		// finds it once normalised): it must not be left out of the children checked
		for (String search : List.of("/fhir/Observation?subject:Patient.identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + hiddenNhs,
				"/fhir/Observation?subject:Patient.identifier=" + Fixtures.NHS_NUMBER_SYSTEM + "|" + world.adaNhs + ","
						+ Fixtures.NHS_NUMBER_SYSTEM + "|" + spaced(hiddenNhs),
				"/fhir/Observation?subject=" + hiddenChild + "," + known)) {
			loads.reset(subject);
			RawHttp.Response found = gp.get(search);
			assertThat(found.status()).as(found.body()).isEqualTo(200);
			Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, found.body());
			assertThat(bundle.getEntry()).as(search).allMatch(e ->
					((org.hl7.fhir.r4.model.Observation) e.getResource()).getSubject().getReference().equals(known));
			assertThat(java.net.URLDecoder.decode(bundle.getLink(Bundle.LINK_SELF).getUrl(), java.nio.charset.StandardCharsets.UTF_8)).as(search).contains("_has:Basic:subject:author");
			assertThat(loads.loaded()).as("resources HAPI loaded for %s", search).isEqualTo(bundle.getEntry().size());
		}
	}

	/** An NHS number as it is often written, {@code 999 000 0018}, encoded for the URL. */
	private static String spaced(String nhs) {
		return nhs.substring(0, 3) + "%20" + nhs.substring(3, 6) + "%20" + nhs.substring(6);
	}

	/** Counts the resources HAPI loads and hands to the access checks, for one caller's requests. */
	@Interceptor
	static final class LoadCounter {
		private final AtomicInteger loaded = new AtomicInteger();
		private volatile String subject;

		void reset(String forSubject) {
			subject = forSubject;
			loaded.set(0);
		}

		int loaded() {
			return loaded.get();
		}

		@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
		public void counted(IPreResourceAccessDetails details, RequestDetails request) {
			if (Caller.of(request).map(c -> c.subject().equals(subject)).orElse(false)) {
				loaded.addAndGet(details.size());
			}
		}
	}
}
