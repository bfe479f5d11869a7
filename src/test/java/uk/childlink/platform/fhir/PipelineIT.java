package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uk.childlink.platform.Pipeline;
import uk.childlink.support.IntegrationTest;

/**
 * The request pipeline as the running server has it: every interceptor on either broadcaster was registered at a
 * declared place (or is one HAPI registers itself), and the README's table is the registered pipeline.
 */
class PipelineIT extends IntegrationTest {

	@Autowired
	RestfulServer server;

	@Autowired
	IInterceptorService storage;

	@Autowired
	RegisteredPipeline pipeline;

	@Test
	void everyRegisteredInterceptorHasADeclaredPlace() {
		Set<Object> declared = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
		pipeline.steps().forEach(s -> declared.add(s.interceptor()));
		List<String> undeclared = new ArrayList<>();
		List<Object> registered = new ArrayList<>(server.getInterceptorService().getAllRegisteredInterceptors());
		registered.addAll(storage.getAllRegisteredInterceptors());
		for (Object interceptor : registered) {
			if (!declared.contains(interceptor) && !Pipeline.HAPI_OWN.contains(interceptor.getClass().getName())) {
				undeclared.add(interceptor.getClass().getName());
			}
		}
		assertThat(undeclared).as("interceptors registered outside the pipeline").isEmpty();
		// and each step is on the broadcaster its place names
		for (Pipeline.Step step : pipeline.steps()) {
			IInterceptorService on = step.place().broadcaster() == Pipeline.Broadcaster.REQUESTS
					? server.getInterceptorService() : storage;
			assertThat(on.getAllRegisteredInterceptors()).as(step.toString()).contains(step.interceptor());
		}
		assertThat(pipeline.steps()).extracting(s -> s.place()).contains(Pipeline.Place.values());
	}

	@Test
	void theReadmeShowsTheRegisteredPipeline() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		String table = Pipeline.table(pipeline.steps());
		assertThat(readme).as("README.md's pipeline table; the registered pipeline is:\n" + table).contains(table);
	}
}
