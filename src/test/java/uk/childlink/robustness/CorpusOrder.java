package uk.childlink.robustness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the corpus's files concurrently with the answers of sending them in order: each file starts once every
 * earlier file its answer could depend on is done. A file depends on the earlier file stored under the same
 * {@code Type/id}, and on those stored under each {@code Type/id} it refers to; a Bundle (whose entries may refer to
 * anything), a file that is not a resource, and a SearchParameter or CompartmentDefinition (which change how every
 * later file is indexed) wait for everything before them, and everything after them waits for them. (The server
 * checks a resource against ChildLink's own profiles and code systems only, which the corpus cannot change.)
 */
final class CorpusOrder {

	private static final Pattern REFERENCE =
			Pattern.compile("\"reference\"\\s*:\\s*\"([A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64})\"");
	/** What changes how every later file is indexed or checked, beyond the records it names. */
	private static final Set<String> CHANGES_EVERYTHING = Set.of("SearchParameter", "CompartmentDefinition");

	private CorpusOrder() {}

	/** Schedules {@code send(index, example)} for each file on {@code executor}; one future per file, in order. */
	static List<CompletableFuture<Void>> schedule(List<Corpus.Example> examples,
			BiConsumer<Integer, Corpus.Example> send, Executor executor) {
		List<CompletableFuture<Void>> all = new ArrayList<>(examples.size());
		Map<String, CompletableFuture<Void>> stored = new HashMap<>();
		CompletableFuture<Void> barrier = CompletableFuture.completedFuture(null);
		List<CompletableFuture<Void>> sinceBarrier = new ArrayList<>();
		for (int i = 0; i < examples.size(); i++) {
			Corpus.Example example = examples.get(i);
			int index = i;
			Runnable task = () -> send.accept(index, example);
			if (isBarrier(example)) {
				sinceBarrier.add(barrier);
				CompletableFuture<Void> done = CompletableFuture.allOf(sinceBarrier.toArray(CompletableFuture[]::new))
						.thenRunAsync(task, executor);
				all.add(done);
				barrier = done;
				sinceBarrier = new ArrayList<>();
				stored.clear();
				continue;
			}
			List<CompletableFuture<Void>> before = new ArrayList<>();
			before.add(barrier);
			String key = example.id() == null ? null : example.resourceType() + "/" + example.id();
			if (key != null && stored.containsKey(key)) {
				before.add(stored.get(key));
			}
			Matcher references = REFERENCE.matcher(new String(example.json(), StandardCharsets.UTF_8));
			while (references.find()) {
				CompletableFuture<Void> target = stored.get(references.group(1));
				if (target != null) {
					before.add(target);
				}
			}
			CompletableFuture<Void> done = CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
					.thenRunAsync(task, executor);
			all.add(done);
			sinceBarrier.add(done);
			if (key != null) {
				stored.put(key, done);
			}
		}
		return all;
	}

	private static boolean isBarrier(Corpus.Example example) {
		return example.resourceType() == null || "Bundle".equals(example.resourceType())
				|| CHANGES_EVERYTHING.contains(example.resourceType());
	}
}
