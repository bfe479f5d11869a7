package uk.childlink.access.authentication;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import uk.childlink.access.AccessProperties;
import uk.childlink.platform.Pipeline;

/**
 * How a SMART on FHIR client learns to get a token: {@code /fhir/.well-known/smart-configuration} and the security
 * section of the CapabilityStatement, both naming the issuer, its endpoints and the scopes this server understands.
 */
final class SmartConfiguration {

	static final String PATH = "/fhir/.well-known/smart-configuration";
	static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

	private final AccessProperties access;

	SmartConfiguration(AccessProperties access) {
		this.access = access;
	}

	Map<String, Object> document() {
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("issuer", access.usesDevIssuer() ? AccessProperties.DEV_ISSUER : access.issuerUri().toString());
		if (access.jwkSetUri() != null) {
			doc.put("jwks_uri", access.jwkSetUri().toString());
		}
		if (access.authorizeEndpoint() != null) {
			doc.put("authorization_endpoint", access.authorizeEndpoint().toString());
		}
		if (access.tokenEndpoint() != null) {
			doc.put("token_endpoint", access.tokenEndpoint().toString());
		}
		doc.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
		doc.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic"));
		doc.put("scopes_supported", List.of("openid", "fhirUser", "user/*.cruds", "user/*.rs", "user/Patient.rs",
				"user/Observation.rs", "user/Observation.cu", "user/Encounter.cruds", "system/*.rs", "system/Patient.cu",
				"system/Observation.cu", "user/AuditEvent.rs"));
		doc.put("response_types_supported", List.of("code"));
		doc.put("code_challenge_methods_supported", List.of("S256"));
		doc.put("capabilities", List.of("permission-v2", "permission-v1", "permission-user",
				"client-confidential-asymmetric", "client-confidential-symmetric", "sso-openid-connect"));
		return doc;
	}

	HttpServlet servlet() {
		byte[] json;
		try {
			json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document());
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
		return new HttpServlet() {
			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				response.setContentType("application/json");
				response.getOutputStream().write(json);
			}
		};
	}

	@Interceptor(order = Pipeline.Order.SMART_CAPABILITIES)
	final class CapabilityStatementSecurity {
		@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
		public void describe(IBaseConformance generated) {
			CapabilityStatement cs = (CapabilityStatement) generated;
			CapabilityStatement.CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
			security.addService(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
					"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
			security.setDescription("OAuth2 bearer tokens (signed JWTs) from " + document().get("issuer")
					+ ", with SMART on FHIR v2 scopes (user/ and system/), the caller's organisation and agency in "
					+ "claims; reads limited to children the caller's organisation has a recorded relationship with; "
					+ "every access audited (AuditEvent). See " + PATH + " and docs/access.md.");
			if (access.authorizeEndpoint() != null || access.tokenEndpoint() != null) {
				Extension uris = security.addExtension().setUrl(OAUTH_URIS);
				if (access.authorizeEndpoint() != null) {
					uris.addExtension("authorize", new UriType(access.authorizeEndpoint().toString()));
				}
				if (access.tokenEndpoint() != null) {
					uris.addExtension("token", new UriType(access.tokenEndpoint().toString()));
				}
			}
		}
	}
}
