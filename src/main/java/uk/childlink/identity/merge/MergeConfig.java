package uk.childlink.identity.merge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.svc.IMergeOperationProviderSvc;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Configuration;

/** Publishes {@code Patient/$merge} (in place of HAPI's own provider, which lacks the NHS-number rule). */
@Configuration(proxyBeanMethods = false)
class MergeConfig {

	MergeConfig(RestfulServer fhirServer, IMergeOperationProviderSvc merge, NhsNumberMergeCheck check, FhirContext fhirContext) {
		fhirServer.registerProvider(new PatientMergeOperation(merge, check, fhirContext));
	}
}
