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
import uk.childlink.schools.Directory;
import uk.childlink.schools.attendance.AttendanceCodes;
import uk.childlink.schools.attendance.WeekStore;

/** Wires the CTF import's parts. */
public final class CtfImports {

	private CtfImports() {}

	public static Object operation(DaoRegistry daos, Supplier<Directory> directories, IFhirSystemDao<Bundle, Meta> system,
			ChildMatching matching,
			CodeLists codeLists, AttendanceCodes codes, WeekStore weeks, long maxUploadBytes, FhirContext fhirContext,
			Clock clock, int workers) {
		CtfMapping mapping = new CtfMapping(codeLists, codes);
		return new CtfImportOperation(() -> new CtfImport(daos.getResourceDao(Observation.class),
				daos.getResourceDao(Organization.class), system, directories.get(), matching, mapping, weeks, clock, workers), maxUploadBytes, fhirContext);
	}
}
