package uk.childlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image's build stage (docker/Dockerfile) copies everything the jar is built from. No Docker engine runs here,
 * so this reads the two files: every resource directory of pom.xml must be copied before the build, or the image's
 * jar lacks it (it once lacked the profiles and the code systems, which the server loads at start-up).
 */
class DockerImageTest {

	@Test
	void theBuildStageCopiesEveryDirectoryTheJarIsBuiltFrom() throws IOException {
		String pom = Files.readString(Path.of("pom.xml"));
		List<String> copied = Files.readAllLines(Path.of("docker", "Dockerfile")).stream()
				.takeWhile(line -> !line.startsWith("RUN mvn -B -q -DskipTests package"))
				.filter(line -> line.startsWith("COPY "))
				.map(line -> line.split("\\s+")[1])
				.toList();
		Matcher directories = Pattern.compile("<directory>([^<]+)</directory>").matcher(pom);
		int found = 0;
		while (directories.find()) {
			String topLevel = directories.group(1).split("/")[0];
			assertThat(copied).as("docker/Dockerfile copies %s before it builds the jar", topLevel).contains(topLevel);
			found++;
		}
		assertThat(found).as("resource directories in pom.xml").isGreaterThanOrEqualTo(3);
		assertThat(copied).contains("pom.xml");
	}
}
