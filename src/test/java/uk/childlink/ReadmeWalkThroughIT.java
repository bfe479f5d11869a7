package uk.childlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import uk.childlink.support.Fixtures;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.childlink.support.ServerProcess;
import uk.childlink.support.SharedServerProcess;
import uk.childlink.support.Tokens;

/**
 * The README's "A first session with curl", pasted in order into bash as a newcomer would, against a server process
 * of the packaged jar (the one the robustness tests share: the walk-through imports the example school's CTF, which the
 * in-JVM server's import tests expect to import first): every request answers as the README says (the token command
 * is replaced by the tests' admin token, the port by the server's, and the example NHS number by an unused one).
 */
@ExtendWith(SharedServerProcess.class)
class ReadmeWalkThroughIT {

	private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

	@Test
	void theWalkThroughWorksWhenPastedInOrder(ServerProcess server) throws IOException, InterruptedException {
		int port = server.port();
		String readme = Files.readString(Path.of("README.md"));
		int start = readme.indexOf("## A first session with curl");
		String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
		StringBuilder script = new StringBuilder()
				// the status of every request, in order, for the assertions below
				.append("curl() { command curl -sS -w '\\nHTTP_STATUS %{http_code}\\n' \"$@\"; }\n");
		Matcher block = BASH_BLOCK.matcher(section);
		int blocks = 0;
		while (block.find()) {
			blocks++;
			for (String line : block.group(1).split("\n", -1)) {
				if (!line.startsWith("TOKEN=")) { // the README's token command starts Maven: the test has its token
					script.append(line).append('\n');
				}
			}
		}
		script.append("echo \"CHILD=$CHILD PUPIL=$PUPIL\"\n");
		String text = script.toString().replace("http://localhost:8080", "http://localhost:" + port)
				.replace("9990000018", Fixtures.nextNhsNumber());

		ProcessBuilder bash = new ProcessBuilder("bash", "-c", text).redirectErrorStream(true);
		bash.environment().put("TOKEN", Tokens.admin());
		Process run = bash.start();
		String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(run.waitFor(180, TimeUnit.SECONDS)).isTrue();

		assertThat(blocks).isGreaterThanOrEqualTo(8);
		List<String> statuses = new ArrayList<>();
		Matcher status = Pattern.compile("HTTP_STATUS (\\d{3})").matcher(output);
		while (status.find()) {
			statuses.add(status.group(1));
		}
		// (the requests whose answer a variable keeps, CHILD and PUPIL, print no status)
		assertThat(statuses).as(output).containsExactly(
				"201", // create the child
				"200", // find her by NHS number
				"201", "200", "200", // record a weight, find it, $everything
				"400", // the mistake the README shows
				"200", // the whole record by NHS number
				"200", "200", // a week of records in a transaction; read back
				"200", // $attendance
				"200", // the absence Flag
				"200"); // $import-ctf
		assertThat(output).containsPattern("CHILD=\\S+ PUPIL=\\S+");
		// the marks file has a row with a mistyped UPN, to show a rejection: the command line reports it by line
		assertThat(output).as("the import command lines report").contains("/$import-ctf", "/$import-attendance",
				"created,", "line 22: UPN 'A990200125005'");
	}
}
