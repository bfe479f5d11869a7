package uk.childlink.schools.ctf;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.access.Caller;
import uk.childlink.schools.imports.UploadLimit;

/**
 * {@code POST /fhir/$import-ctf} with a Common Transfer File (CTF 24 XML) as the body: imports each pupil in its own
 * transaction and answers with a report per pupil (Parameters; OperationDefinition {@value #CANONICAL}).
 */
public final class CtfImportOperation {

	public static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/import-ctf";
	private static final Logger log = LoggerFactory.getLogger(CtfImportOperation.class);

	private final Supplier<CtfImport> imports;
	private final long maxUploadBytes;
	private final FhirContext fhirContext;

	CtfImportOperation(Supplier<CtfImport> imports, long maxUploadBytes, FhirContext fhirContext) {
		this.imports = imports;
		this.maxUploadBytes = maxUploadBytes;
		this.fhirContext = fhirContext;
	}

	@Operation(name = "$import-ctf", manualRequest = true, canonicalUrl = CANONICAL)
	public Parameters importCtf(HttpServletRequest request, RequestDetails requestDetails) {
		long started = System.nanoTime();
		List<CtfImport.PupilOutcome> outcomes = new ArrayList<>();
		CtfImport.Start start;
		try (InputStream body = UploadLimit.body(request, maxUploadBytes, "$import-ctf", "application/xml",
				"text/xml")) {
			start = imports.get().run(body, requestDetails, s -> log.info("$import-ctf: CTF {} from school URN {}",
					s.header().version(), s.header().sourceUrn()), outcomes::add);
		} catch (CtfReader.BadFile e) {
			throw new InvalidRequestException("$import-ctf: " + e.getMessage() + where(e.line)
					+ "; nothing was imported");
		} catch (CtfImport.Stopped e) {
			throw new UnprocessableEntityException(fhirContext, stopped(e));
		} catch (IOException e) {
			throw new InvalidRequestException("$import-ctf: the upload could not be read: " + e.getMessage());
		}
		Parameters report = report(start, outcomes, Caller.of(requestDetails).filter(c -> !c.isAdmin()).isPresent());
		log.info("$import-ctf: {} pupils in {} ms: {}", outcomes.size(), (System.nanoTime() - started) / 1_000_000,
				report.getParameter().stream().filter(p -> p.getValue() instanceof IntegerType)
						.map(p -> p.getName() + " " + p.getValue().primitiveValue()).toList());
		return report;
	}

	private static String where(int line) {
		return line > 0 ? " (line " + line + ")" : "";
	}

	/** Another child's record named in a message: a school learns of it only that it exists (ids for an admin). */
	private static final Pattern OTHER_RECORD = Pattern.compile("Patient/[A-Za-z0-9\\-]{1,64}");
	/** Another child's UPN named in a message (a UPN is 13 characters, in a message only after "permanent UPN "). */
	private static final Pattern OTHER_UPN = Pattern.compile("permanent UPN [A-Z0-9]{13}");

	static Parameters report(CtfImport.Start start, List<CtfImport.PupilOutcome> outcomes) {
		return report(start, outcomes, false);
	}

	static Parameters report(CtfImport.Start start, List<CtfImport.PupilOutcome> outcomes, boolean redact) {
		Map<CtfImport.Status, Integer> totals = new EnumMap<>(CtfImport.Status.class);
		for (CtfImport.Status status : CtfImport.Status.values()) {
			totals.put(status, 0);
		}
		outcomes.forEach(o -> totals.merge(o.status(), 1, Integer::sum));
		Parameters out = new Parameters();
		totals.forEach((status, n) -> out.addParameter(status.code, new IntegerType(n)));
		out.addParameter().setName("school").setValue(new Reference("Organization/" + start.schoolId()));
		for (CtfImport.PupilOutcome outcome : outcomes) {
			Parameters.ParametersParameterComponent pupil = out.addParameter().setName("pupil");
			pupil.addPart().setName("line").setValue(new IntegerType(outcome.line()));
			if (outcome.upn() != null) {
				pupil.addPart().setName("upn").setValue(new StringType(outcome.upn()));
			}
			pupil.addPart().setName("outcome").setValue(new CodeType(outcome.status().code));
			if (outcome.patientId() != null) {
				pupil.addPart().setName("child").setValue(new Reference("Patient/" + outcome.patientId()));
			}
			for (String message : outcome.messages()) {
				pupil.addPart().setName("message").setValue(new StringType(redact
						? OTHER_UPN.matcher(OTHER_RECORD.matcher(message).replaceAll(m ->
								m.group().equals("Patient/" + outcome.patientId()) ? m.group() : "another child's record"))
								.replaceAll("another permanent UPN")
						: message));
			}
		}
		return out;
	}

	private static OperationOutcome stopped(CtfImport.Stopped e) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.STRUCTURE)
				.setDiagnostics("$import-ctf: the file could not be read to its end: " + e.cause.getMessage()
						+ where(e.cause.line) + ". The " + e.done.size() + " pupils before that point were dealt with, "
						+ "each whole, as listed; none after it was read.");
		for (CtfImport.PupilOutcome pupil : e.done) {
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
					.setCode(OperationOutcome.IssueType.INFORMATIONAL)
					.setDiagnostics("pupil at line " + pupil.line() + " (UPN " + pupil.upn() + "): " + pupil.status().code
							+ (pupil.patientId() != null ? " Patient/" + pupil.patientId() : ""));
		}
		return outcome;
	}
}
