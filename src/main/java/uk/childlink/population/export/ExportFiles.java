package uk.childlink.population.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import uk.childlink.access.OwnFiles;
import uk.childlink.platform.Worker;

/**
 * Removes export files for good: those of an export that was cancelled or failed, and every file once the retention
 * period since its export ended has passed. Removed means expunged (HAPI's own clean-up only marks them deleted, and a
 * deleted version still holds the data). Looked for every minute (twice in a shorter retention period), and at once when an export is cancelled.
 */
final class ExportFiles implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ExportFiles.class);
	/** The meta extension HAPI puts on each file it writes: the export job's id. */
	static final String JOB_EXTENSION = "https://hapifhir.org/NamingSystem/bulk-export-job-id";
	/** The same job id as a tag ({@link ExportWrites} puts it on), which the sweep finds without reading the file. */
	static final String JOB_TAG = "https://fhir.childlink.uk/export-job";

	private final IFhirResourceDao<Binary> binaries;
	private final IJobCoordinator jobs;
	private final JdbcTemplate sql;
	private final Duration retention;
	private final Worker worker;

	ExportFiles(IFhirResourceDao<Binary> binaries, IJobCoordinator jobs, DataSource dataSource, Duration retention) {
		this.binaries = binaries;
		this.jobs = jobs;
		this.sql = new JdbcTemplate(dataSource);
		this.retention = retention;
		// every minute, or twice in a shorter retention period
		Duration poll = retention.dividedBy(2);
		poll = poll.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
				: poll.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : poll;
		this.worker = new Worker("export files", poll, () -> {}, this::sweep);
	}

	void start() {
		worker.start();
	}

	void wakeUp() {
		worker.wakeUp();
	}

	/** The export job a stored file belongs to, read from the file; null when not an export file (or not there). */
	private String jobOf(String binaryId) {
		try {
			Binary file = binaries.read(new IdType("Binary", binaryId), new SystemRequestDetails());
			Extension job = file.getMeta().getExtensionByUrl(JOB_EXTENSION);
			return job == null ? null : job.getValue().primitiveValue();
		} catch (BaseServerResponseException e) {
			return null;
		}
	}

	/**
	 * Whether a file of this export is to go now: the export cancelled, failed or forgotten, or the retention period
	 * over since it ended (a file written early in a long export is kept until the export is done).
	 */
	static boolean expired(StatusEnum job, Instant ended, Instant now, Duration retention) {
		if (job == null || job == StatusEnum.CANCELLED || job == StatusEnum.FAILED) {
			return true;
		}
		return ended != null && ended.plus(retention).isBefore(now);
	}

	private boolean sweep() {
		// each Binary with its export's id from the tag table, not from the file: export files are megabytes each,
		// and reading every one every minute cost more the more files were kept
		List<Map<String, Object>> files = sql.queryForList("SELECT r.fhir_id, r.res_deleted_at, "
				+ "(SELECT max(t.tag_code) FROM hfj_res_tag rt JOIN hfj_tag_def t ON t.tag_id = rt.tag_id "
				+ "WHERE rt.res_id = r.res_id AND t.tag_system = ?) AS job, "
				+ "EXISTS (SELECT 1 FROM hfj_res_tag rt JOIN hfj_tag_def t ON t.tag_id = rt.tag_id "
				+ "WHERE rt.res_id = r.res_id AND t.tag_system = ?) AS owned "
				+ "FROM hfj_resource r WHERE r.res_type = 'Binary' ORDER BY r.res_id", JOB_TAG, OwnFiles.TAG_SYSTEM);
		Map<String, Optional<JobInstance>> instances = new HashMap<>(); // each export looked up once a sweep
		for (Map<String, Object> file : files) {
			String id = (String) file.get("fhir_id");
			try {
				if (file.get("res_deleted_at") != null) {
					// deleted but still in the history (HAPI's own clean-up, or a crash between our two steps)
					if (wasExportFile(id)) {
						expunge(new IdType("Binary", id));
					}
					continue;
				}
				String job = (String) file.get("job");
				if (job == null && Boolean.TRUE.equals(file.get("owned"))) {
					job = jobOf(id); // an export file written before files carried their export's tag
				}
				if (job == null) {
					continue; // not an export file
				}
				JobInstance instance = instances.computeIfAbsent(job, j -> Optional.ofNullable(instance(j))).orElse(null);
				StatusEnum status = instance == null ? null : instance.getStatus();
				Instant ended = instance == null || instance.getEndTime() == null ? null : instance.getEndTime().toInstant();
				if (expired(status, ended, Instant.now(), retention)) {
					IdType binary = new IdType("Binary", id);
					binaries.delete(binary, new SystemRequestDetails());
					expunge(binary);
					log.info("Removed export file Binary/{} of export {} ({})", id, job, status);
				}
			} catch (RuntimeException e) {
				// another process removing it at the same time, say: the next look tries again
				log.warn("Could not remove export file Binary/{}: {}", id, e.toString());
			}
		}
		return false;
	}

	private JobInstance instance(String job) {
		try {
			return jobs.getInstance(job);
		} catch (ResourceNotFoundException e) {
			return null;
		}
	}

	private boolean wasExportFile(String id) {
		return Boolean.TRUE.equals(sql.queryForObject("SELECT EXISTS (SELECT 1 FROM hfj_res_ver v JOIN hfj_resource r "
				+ "ON r.res_id = v.res_id WHERE r.res_type = 'Binary' AND r.fhir_id = ? AND v.res_text_vc LIKE ?)",
				Boolean.class, id, "%" + JOB_EXTENSION + "%"));
	}

	private void expunge(IdType binary) {
		binaries.expunge(binary, new ExpungeOptions().setExpungeDeletedResources(true).setExpungeOldVersions(true),
				new SystemRequestDetails());
	}

	@Override
	public void close() throws InterruptedException {
		worker.close();
	}
}
