package uk.childlink.platform.fhir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's answer to a request it refuses before any application code runs (a malformed percent-escape or a
 * character not allowed in the path, headers too large) as a FHIR OperationOutcome instead of an HTML page, so that
 * every refusal a FHIR client meets is one it can read. Installed as the host's error report valve.
 */
public final class OperationOutcomeErrorValve extends ErrorReportValve {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(true);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		String message = response.getMessage();
		if ((message == null || message.isBlank()) && throwable != null) {
			message = throwable.getMessage();
		}
		if (message == null || message.isBlank()) {
			message = status == 400 ? "the request line or its headers could not be parsed (a character not allowed in "
					+ "the URL path, such as |, a malformed percent-escape, or headers larger than 8 KB)" : "HTTP " + status;
		}
		ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
		outcome.putArray("issue").addObject()
				.put("severity", "error")
				.put("code", status >= 500 ? "exception" : status == 413 || status == 431 ? "too-long" : "invalid")
				.put("diagnostics", "The request was refused before it reached the FHIR server: " + message);
		try {
			response.setContentType("application/fhir+json");
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(JSON.writeValueAsString(outcome));
				response.finishResponse();
			}
		} catch (IOException | IllegalStateException ignored) {
			// the connection is gone or the response committed: nothing more can be said
		}
	}
}
