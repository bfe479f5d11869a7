package uk.childlink.outofview.lists;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.RelatedOrganisations;
import uk.childlink.conformance.CodeLists;
import uk.childlink.earlyyears.ReviewSchedule;

/**
 * Publishes the worklists of children out of view: {@code Patient/$children-missing-education} (a council's),
 * {@code Patient/$reviews-overdue} (a health visiting service's), {@code Patient/$pupils-joined} (a school's), and
 * {@code Patient/{id}/$household} (a child's siblings).
 */
@Configuration(proxyBeanMethods = false)
class ListsConfig {

	ListsConfig(RestfulServer fhirServer, DaoRegistry daos, DataSource dataSource,
			PartitionSettings partitions, RelatedOrganisations related, CodeLists codes) {
		ReviewSchedule schedule = new ReviewSchedule(codes);
		ListIndexes indexes = new ListIndexes(dataSource, partitions, schedule);
		Clock london = Clock.system(ZoneId.of("Europe/London"));
		ChildRecords records = new ChildRecords(daos.getResourceDao(Patient.class));
		MissingEducation missingEducation = new MissingEducation(indexes, daos.getResourceDao(EpisodeOfCare.class));
		fhirServer.registerProvider(new MissingEducationOperation(missingEducation, records, related, london));
		fhirServer.registerProvider(new OverdueReviewsOperation(new OverdueReviews(indexes, schedule), records, related,
				london));
		PupilsJoined pupilsJoined = new PupilsJoined(daos.getResourceDao(EpisodeOfCare.class),
				daos.getResourceDao(Observation.class), daos.getResourceDao(Flag.class));
		fhirServer.registerProvider(new PupilsJoinedOperation(pupilsJoined, records, related, london));
		fhirServer.registerProvider(new HouseholdOperation(daos.getResourceDao(Group.class), records, related, london));
	}
}
