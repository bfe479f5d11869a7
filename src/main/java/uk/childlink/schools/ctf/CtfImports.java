package uk.childlink.schools.ctf;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import java.time.Clock;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import uk.childlink.conformance.CodeLists;
import uk.childlink.identity.ChildMatching;
import uk.childlink.schools.attendance.AttendanceCodes;
import uk.childlink.schools.attendance.WeekStore;
import uk.childlink.schools.imports.Directory;
import uk.childlink.schools.imports.ImportWorkers;

/**
 * What a CTF import is made of, and {@code $import-ctf}, which runs one per request with a fresh {@link Directory}
 * (its lookups are remembered for one file only).
 */
public record CtfImports(DaoRegistry daos, IFhirSystemDao<Bundle, Meta> system, Supplier<Directory> directories,
		ChildMatching matching, CodeLists codeLists, AttendanceCodes codes, WeekStore weeks, ImportWorkers workers,
		Clock clock) {

	public CtfImportOperation operation(long maxUploadBytes, FhirContext fhirContext) {
		CtfMapping mapping = new CtfMapping(codeLists, codes);
		PupilAttendance attendance = new PupilAttendance(mapping);
		return new CtfImportOperation(() -> {
			Directory directory = directories.get();
			PupilTransaction transaction = new PupilTransaction(daos.getResourceDao(Observation.class), system,
					new PupilMatcher(directory, matching), mapping, weeks);
			return new CtfImport(daos.getResourceDao(Organization.class), directory, mapping, attendance, transaction,
					clock, workers);
		}, maxUploadBytes, fhirContext);
	}
}
