package uk.childlink.platform.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import uk.childlink.platform.Pipeline;

/** Names ChildLink, its version and publisher in the CapabilityStatement HAPI generates. */
@Interceptor(order = Pipeline.Order.CAPABILITIES)
class CapabilityStatementCustomizer {

	private final String version;

	CapabilityStatementCustomizer(String version) {
		this.version = version;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void customize(IBaseConformance generated) {
		CapabilityStatement cs = (CapabilityStatement) generated;
		cs.setName(FhirServerConfig.NAME);
		cs.setTitle("ChildLink FHIR R4 server");
		cs.setPublisher("ChildLink");
		cs.setVersion(version);
		cs.getSoftware().setName(FhirServerConfig.NAME).setVersion(version);
	}
}
