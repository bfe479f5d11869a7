package uk.childlink.conformance.loading;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import uk.childlink.platform.StorageProperties;

/**
 * The conformance resources packaged with the server: every {@code *.json} under {@code fhir-profiles/} and
 * {@code terminology/} on the classpath, except the examples. Read once at start-up and shared by the loader and the
 * validator.
 */
@Component
public final class ConformanceFiles {

	private static final String[] LOCATIONS = {"classpath*:fhir-profiles/**/*.json", "classpath*:terminology/**/*.json"};

	private final List<IBaseResource> resources;

	/**
	 * Without the storage tuning ({@code childlink.storage.tuned=false}) the search parameters it retires
	 * ({@code fhir-profiles/storage/}) are left out, so that a new database has HAPI's defaults.
	 */
	ConformanceFiles(FhirContext fhirContext, StorageProperties storage) {
		this.resources = List.copyOf(read(fhirContext, storage.tuned()));
	}

	/** The packaged resources, parsed; the same instances for every caller, so read them, do not change them. */
	public List<IBaseResource> resources() {
		return resources;
	}

	public static List<IBaseResource> readAll(FhirContext fhirContext) {
		return read(fhirContext, true);
	}

	private static List<IBaseResource> read(FhirContext fhirContext, boolean withStorageTuning) {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		List<IBaseResource> resources = new ArrayList<>();
		try {
			for (String location : LOCATIONS) {
				for (Resource file : resolver.getResources(location)) {
					String path = file.getURL().getPath();
					if (path.contains("/examples/") || (!withStorageTuning && path.contains("/fhir-profiles/storage/"))) {
						continue;
					}
					try (InputStream in = file.getInputStream()) {
						IBaseResource resource = fhirContext.newJsonParser()
								.parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
						if (resource.getIdElement().getIdPart() == null) {
							throw new IllegalStateException("Conformance resource " + path + " has no id");
						}
						resources.add(resource);
					}
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return resources;
	}
}
