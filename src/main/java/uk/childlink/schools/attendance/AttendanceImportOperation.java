package uk.childlink.schools.attendance;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.childlink.schools.imports.ImportReport;
import uk.childlink.schools.imports.UploadLimit;

/**
 * {@code POST /fhir/$import-attendance} with a CSV of register marks as the body ({@code text/csv}): imports them
 * into weekly attendance records and answers with a report (Parameters; OperationDefinition
 * {@value #CANONICAL}).
 */
public final class AttendanceImportOperation {

	public static final String CANONICAL = "https://fhir.childlink.uk/OperationDefinition/import-attendance";
	private static final Logger log = LoggerFactory.getLogger(AttendanceImportOperation.class);

	private final Supplier<MarksImport> imports;
	private final long maxUploadBytes;

	public AttendanceImportOperation(Supplier<MarksImport> imports, long maxUploadBytes) {
		this.imports = imports;
		this.maxUploadBytes = maxUploadBytes;
	}

	@Operation(name = "$import-attendance", manualRequest = true, canonicalUrl = CANONICAL)
	public Parameters importAttendance(HttpServletRequest request, RequestDetails requestDetails) {
		long started = System.nanoTime();
		MarksImport.Result result;
		try (Reader csv = new InputStreamReader(UploadLimit.body(request, maxUploadBytes, "$import-attendance",
				"text/csv", "text/plain"), StandardCharsets.UTF_8)) {
			result = imports.get().onBehalfOf(requestDetails).run(csv, rows -> log.info("$import-attendance: {} rows read", rows));
		} catch (IOException e) {
			throw new InvalidRequestException("$import-attendance: the upload could not be read: " + e.getMessage());
		} catch (UncheckedIOException e) {
			throw new InvalidRequestException("$import-attendance: the upload could not be read: " + e.getMessage());
		}
		log.info("$import-attendance: {} rows, {} imported, {} rejected; weeks {} created, {} updated, {} unchanged "
						+ "in {} ms", result.rows(), result.imported(), result.rejected(), result.weeksCreated(),
				result.weeksUpdated(), result.weeksUnchanged(), (System.nanoTime() - started) / 1_000_000);
		return report(result);
	}

	static Parameters report(MarksImport.Result result) {
		Parameters out = new Parameters();
		out.addParameter("rows", new IntegerType(Math.toIntExact(result.rows())));
		out.addParameter("imported", new IntegerType(Math.toIntExact(result.imported())));
		out.addParameter("rejected", new IntegerType(Math.toIntExact(result.rejected())));
		out.addParameter("weeksCreated", new IntegerType(result.weeksCreated()));
		out.addParameter("weeksUpdated", new IntegerType(result.weeksUpdated()));
		out.addParameter("weeksUnchanged", new IntegerType(result.weeksUnchanged()));
		for (ImportReport.Problem problem : result.problems().listed()) {
			Parameters.ParametersParameterComponent error = out.addParameter().setName("error");
			error.addPart().setName("line").setValue(new IntegerType(Math.toIntExact(problem.line())));
			error.addPart().setName("reason").setValue(new StringType(problem.reason()));
		}
		if (result.problems().notListed() > 0) {
			out.addParameter("errorsNotListed", new IntegerType(Math.toIntExact(result.problems().notListed())));
		}
		return out;
	}
}
