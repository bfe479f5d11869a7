package uk.childlink.outofview.lists;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.context.annotation.Configuration;
import uk.childlink.access.RelatedOrganisations;

/** Publishes the worklists of children out of view: {@code Patient/$children-missing-education}. */
@Configuration(proxyBeanMethods = false)
class ListsConfig {

	ListsConfig(RestfulServer fhirServer, FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls,
			RelatedOrganisations related) {
		MissingEducation missingEducation = new MissingEducation(fhir, daos.getResourceDao(Patient.class),
				daos.getResourceDao(EpisodeOfCare.class), matchUrls);
		fhirServer.registerProvider(new MissingEducationOperation(missingEducation, related,
				Clock.system(ZoneId.of("Europe/London"))));
	}
}
