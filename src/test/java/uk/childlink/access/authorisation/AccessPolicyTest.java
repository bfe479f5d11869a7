package uk.childlink.access.authorisation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

	private static final AccessPolicy.Authorship AUTHORSHIP = new AccessPolicy.Authorship("d",
			List.of(new AccessPolicy.Rule("Observation", "Observation.performer", null),
					new AccessPolicy.Rule("Task", "Task.owner", null)));
	private static final AccessPolicy.OwnedRecords OWNED = new AccessPolicy.OwnedRecords("d",
			List.of(new AccessPolicy.Owned("Task", "Task.owner", "owner")));

	@Test
	void thePackagedPolicyLoadsWithItsRelationshipsAndRules() {
		AccessPolicy policy = AccessPolicy.load();
		assertThat(policy.relationships()).extracting(AccessPolicy.Relationship::name).contains("responsible-authority",
				"gp-practice", "recorded-observation", "recorded-contact", "care-team", "episode-of-care");
		assertThat(policy.auditReaders().relationships()).containsExactly("responsible-authority");
		assertThat(policy.authorshipOf("Observation")).isPresent();
		assertThat(policy.authorshipOf("Patient")).isEmpty();
		assertThat(policy.recentPeriod()).isEqualTo(Period.ofYears(2));
		assertThat(policy.ownedOf("Task")).map(AccessPolicy.Owned::ownerParameter).contains("owner");
		assertThat(policy.ownedOf("Observation")).isEmpty();
	}

	@Test
	void aBrokenPolicyIsRefusedWithAMessageNamingTheProblem() {
		AccessPolicy.Relationship gp = new AccessPolicy.Relationship("gp", "d", "Patient?_id={childId}&general-practitioner={organisation}");
		assertThatThrownBy(() -> new AccessPolicy("d", Period.ofYears(1), List.of(gp, gp),
				new AccessPolicy.AuditReaders("d", List.of("gp")), AUTHORSHIP, OWNED)).hasMessageContaining("defined twice");
		AccessPolicy.Relationship noChild = new AccessPolicy.Relationship("x", "d", "Patient?general-practitioner={organisation}");
		assertThatThrownBy(() -> new AccessPolicy("d", Period.ofYears(1), List.of(noChild),
				new AccessPolicy.AuditReaders("d", List.of("x")), AUTHORSHIP, OWNED)).hasMessageContaining("{child}");
		assertThatThrownBy(() -> new AccessPolicy("d", Period.ofYears(1), List.of(gp),
				new AccessPolicy.AuditReaders("d", List.of("council")), AUTHORSHIP, OWNED))
				.hasMessageContaining("auditReaders names council");
		assertThatThrownBy(() -> new AccessPolicy("d", null, List.of(gp),
				new AccessPolicy.AuditReaders("d", List.of("gp")), AUTHORSHIP, OWNED)).hasMessageContaining("recentPeriod");
		assertThatThrownBy(() -> new AccessPolicy("d", Period.ofYears(1), List.of(gp),
				new AccessPolicy.AuditReaders("d", List.of("gp")), AUTHORSHIP, new AccessPolicy.OwnedRecords("d",
						List.of(new AccessPolicy.Owned("Communication", "Communication.recipient", "recipient")))))
				.hasMessageContaining("owned record type Communication needs an authorship rule");
	}
}
