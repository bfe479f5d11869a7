package uk.childlink.platform;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.lang3.reflect.MethodUtils;

/**
 * The request pipeline: every interceptor of the server at a named place, in the order HAPI calls them. HAPI calls the
 * hooks of one pointcut lowest order first (the request's and the storage layer's hooks merged), so each place has its
 * own order, and no two interceptors share a pointcut at one place: whether a client hears 403 or 422 first never
 * depends on which bean Spring happened to create first. The README's pipeline table is this list (tested).
 *
 * <p>A module publishes its interceptors as {@link Contributor} steps; {@code platform.fhir.PipelineConfig} registers
 * them all, on the broadcaster their place names, and refuses at start-up an interceptor whose declared order
 * ({@code @Interceptor(order = Pipeline.Order.X)}) is not its place's.
 */
public final class Pipeline {

	private Pipeline() {}

	/** Where a place's interceptors are registered. */
	public enum Broadcaster {
		/** The REST server's: client requests only (the server's own reads and writes are not checked). */
		REQUESTS,
		/** HAPI's storage layer's: every write and search, the server's own included. */
		STORAGE
	}

	/** The orders of the places, as constants for {@code @Interceptor(order = ...)}. */
	public static final class Order {
		private Order() {}

		public static final int AUTHENTICATION = 10;
		public static final int REQUEST_CHECKS = 20;
		public static final int GATE = 30;
		public static final int EXPORT = 35;
		public static final int EXPORT_WRITES = 36;
		public static final int NARROWING = 40;
		public static final int RELATED_CHILDREN = 90;
		/** HAPI's ConsentInterceptor's own (AuthorizationConstants.ORDER_CONSENT_INTERCEPTOR). */
		public static final int CONSENT = 100;
		public static final int SEARCH_IDENTIFIERS = 110;
		public static final int SEARCH_STRATEGY = 120;
		public static final int SUBSCRIPTIONS = 190;
		public static final int WRITE_RULES = 200;
		public static final int SERVER_KEPT_FLAGS = 205;
		public static final int OWN_DEFINITIONS = 210;
		public static final int IDENTITY = 220;
		public static final int VALIDATION = 230;
		public static final int RELATIONSHIPS = 300;
		public static final int DERIVED = 310;
		public static final int RECORD_COUNTS = 312;
		public static final int SIGNALS = 315;
		public static final int WRITE_AUDIT = 320;
		public static final int WRITE_RETRY = 400;
		public static final int UNAVAILABLE = 500;
		public static final int DUPLICATE_CHILD = 510;
		public static final int VERSION_PRECONDITION = 520;
		public static final int DANGLING_REFERENCE = 530;
		public static final int NOT_KNOWN = 540;
		public static final int CLIENT_FAULTS = 550;
		public static final int AUDIT = 1000;
		/** HAPI's ResponseHighlighterInterceptor's own (InterceptorOrders.RESPONSE_HIGHLIGHTER_INTERCEPTOR). */
		public static final int PRESENTATION = 10_000;
		public static final int METRICS = 20_000;
		public static final int CAPABILITIES = 30_000;
		public static final int SMART_CAPABILITIES = 30_010;
		public static final int SIGNAL_CAPABILITIES = 30_020;
	}

	/** The places, in order. {@code hapi}: a place for one of HAPI's own interceptors, which keeps HAPI's order. */
	public enum Place {
		AUTHENTICATION(Order.AUTHENTICATION, Broadcaster.REQUESTS, false,
				"who is calling: the token's organisation, agency, roles and scopes, put on the request"),
		REQUEST_CHECKS(Order.REQUEST_CHECKS, Broadcaster.REQUESTS, false,
				"parameters and bodies HAPI would misread or fail on (control characters, `_filter`, negative `_count`, a "
						+ "bundle's writing entry whose URL names an operation or another type...): 400"),
		GATE(Order.GATE, Broadcaster.REQUESTS, false,
				"the token's SMART scopes allow the interaction or operation; break-glass; the audit trail is read-only; "
						+ "a batch's reads, each as if sent alone: 403"),
		EXPORT(Order.EXPORT, Broadcaster.REQUESTS, false,
				"a bulk export is its requester's (its status and files: 404 to anyone else), an organisation's narrowed to "
						+ "its children, its `_typeFilter` checked (400), the children it takes put in its audit record"),
		EXPORT_WRITES(Order.EXPORT_WRITES, Broadcaster.STORAGE, false,
				"each resource an organisation's export writes is about its children only (never the access grants, "
						+ "another's worklist or the audit trail); each export file stamped with its owner"),
		NARROWING(Order.NARROWING, Broadcaster.REQUESTS, false,
				"a search of children's records (alone or in a batch) narrowed, in its SQL, to the children the caller is related to"),
		RELATED_CHILDREN(Order.RELATED_CHILDREN, Broadcaster.REQUESTS, false,
				"the caller's relationships with the children of a page of resources, looked up in one query for the consent check"),
		CONSENT(Order.CONSENT, Broadcaster.REQUESTS, true,
				"each resource read is one the caller may see (`ReadRules`): the second line behind the narrowing"),
		SEARCH_IDENTIFIERS(Order.SEARCH_IDENTIFIERS, Broadcaster.STORAGE, false,
				"an NHS number searched in a written form (`943 476 5919`) finds the child"),
		SEARCH_STRATEGY(Order.SEARCH_STRATEGY, Broadcaster.STORAGE, false,
				"a lookup by NHS number or UPN answered without storing the search (tuned storage only)"),
		SUBSCRIPTIONS(Order.SUBSCRIPTIONS, Broadcaster.REQUESTS, false,
				"a Subscription to a signal topic: made its organisation's; topic, agency (403), channel and endpoint (422)"),
		WRITE_RULES(Order.WRITE_RULES, Broadcaster.REQUESTS, false,
				"a client's write is in its own name, of a record it may see; the council hand-over rules: 403"),
		SERVER_KEPT_FLAGS(Order.SERVER_KEPT_FLAGS, Broadcaster.STORAGE, false,
				"the absence flags are the server's: a client's Flag with their identifier is refused (403)"),
		OWN_DEFINITIONS(Order.OWN_DEFINITIONS, Broadcaster.STORAGE, false,
				"ChildLink's own profiles, code systems and search parameters come from its files only (403)"),
		IDENTITY(Order.IDENTITY, Broadcaster.STORAGE, false,
				"a child's identifiers: a valid NHS number and UPN, one of each current (422)"),
		VALIDATION(Order.VALIDATION, Broadcaster.STORAGE, false,
				"the ChildLink profiles (422), a transaction in one pass; what `$validate` answers"),
		RELATIONSHIPS(Order.RELATIONSHIPS, Broadcaster.STORAGE, false,
				"the relationships a write makes or ends, and their grants, in the write's transaction (a child's record "
						+ "deleted takes its grants with it)"),
		DERIVED(Order.DERIVED, Broadcaster.STORAGE, false,
				"a child's absence flag owed, in the transaction that writes an attendance record; worked once it commits"),
		RECORD_COUNTS(Order.RECORD_COUNTS, Broadcaster.STORAGE, false,
				"an attendance record's counts for the attendance statistics, in the transaction that writes it"),
		SIGNALS(Order.SIGNALS, Broadcaster.STORAGE, false,
				"the signals a write makes (a plan opened, a flag raised, a move, a child off a school's roll...), in its "
						+ "transaction; sent once it commits (or, for a child off roll, once it is due)"),
		WRITE_AUDIT(Order.WRITE_AUDIT, Broadcaster.STORAGE, false,
				"each write's audit record, in the write's transaction"),
		WRITE_RETRY(Order.WRITE_RETRY, Broadcaster.REQUESTS, false,
				"a conditional write that raced another identical one is retried once"),
		UNAVAILABLE(Order.UNAVAILABLE, Broadcaster.REQUESTS, false,
				"503 with Retry-After when the database cannot serve now"),
		DUPLICATE_CHILD(Order.DUPLICATE_CHILD, Broadcaster.REQUESTS, false,
				"a child's NHS number or UPN already on another record: 409 saying which, and what to send instead"),
		VERSION_PRECONDITION(Order.VERSION_PRECONDITION, Broadcaster.REQUESTS, false,
				"an `If-Match` version that is not the current one: 412"),
		DANGLING_REFERENCE(Order.DANGLING_REFERENCE, Broadcaster.REQUESTS, false,
				"a reference to a record that does not exist: 422 at the element"),
		NOT_KNOWN(Order.NOT_KNOWN, Broadcaster.REQUESTS, false,
				"404 and 410 read the same whether a record is missing or hidden from the caller"),
		CLIENT_FAULTS(Order.CLIENT_FAULTS, Broadcaster.REQUESTS, false,
				"what HAPI would answer 500 for a client's mistake: 400"),
		AUDIT(Order.AUDIT, Broadcaster.REQUESTS, false,
				"every read and every refusal recorded before the answer leaves"),
		PRESENTATION(Order.PRESENTATION, Broadcaster.REQUESTS, true,
				"HTML for a browser"),
		METRICS(Order.METRICS, Broadcaster.REQUESTS, false,
				"request counts and times by resource type and interaction"),
		CAPABILITIES(Order.CAPABILITIES, Broadcaster.REQUESTS, false,
				"the CapabilityStatement's name, version and profiles"),
		SMART_CAPABILITIES(Order.SMART_CAPABILITIES, Broadcaster.REQUESTS, false,
				"the CapabilityStatement's SMART security endpoints"),
		SIGNAL_CAPABILITIES(Order.SIGNAL_CAPABILITIES, Broadcaster.REQUESTS, false,
				"the CapabilityStatement's signal topics, on Subscription (Backport IG)");

		private final int order;
		private final Broadcaster broadcaster;
		private final boolean hapi;
		private final String decides;

		Place(int order, Broadcaster broadcaster, boolean hapi, String decides) {
			this.order = order;
			this.broadcaster = broadcaster;
			this.hapi = hapi;
			this.decides = decides;
		}

		public int order() {
			return order;
		}

		public Broadcaster broadcaster() {
			return broadcaster;
		}

		public String decides() {
			return decides;
		}
	}

	/**
	 * Interceptors HAPI registers itself on its storage broadcaster (not through the pipeline): allowed, and shown under
	 * the table.
	 */
	public static final Set<String> HAPI_OWN = Set.of(
			"ca.uhn.fhir.jpa.searchparam.submit.interceptor.SearchParamValidatingInterceptor",
			"ca.uhn.fhir.jpa.cache.ResourceChangeListenerRegistryInterceptor");

	/** An interceptor at its place. */
	public record Step(Place place, Object interceptor) {

		/** The interceptor's hooks, each with the order HAPI will give it. */
		public Map<Pointcut, Integer> hooks() {
			Class<?> type = interceptor.getClass();
			Interceptor declared = type.getAnnotation(Interceptor.class);
			int typeOrder = declared == null ? Interceptor.DEFAULT_ORDER : declared.order();
			Map<Pointcut, Integer> hooks = new LinkedHashMap<>();
			for (Method method : MethodUtils.getMethodsListWithAnnotation(type, Hook.class, true, true)) {
				Hook hook = MethodUtils.getAnnotation(method, Hook.class, true, true);
				hooks.put(hook.value(), hook.order() != Interceptor.DEFAULT_ORDER ? hook.order() : typeOrder);
			}
			return hooks;
		}

		/** What is wrong with this step, or null: our interceptors declare their place's order on every hook. */
		String problem() {
			Class<?> type = interceptor.getClass();
			if (place.hapi) {
				return type.getName().startsWith("ca.uhn.fhir.") ? null
						: type.getName() + " is at " + place + ", a place for HAPI's own interceptor";
			}
			if (!type.getName().startsWith("uk.childlink.")) {
				return type.getName() + " (HAPI's) is at " + place + ": add a place for it, with HAPI's order";
			}
			Map<Pointcut, Integer> hooks = hooks();
			if (hooks.isEmpty()) {
				return type.getName() + " has no hooks";
			}
			for (Map.Entry<Pointcut, Integer> hook : hooks.entrySet()) {
				if (hook.getValue() != place.order) {
					return type.getName() + " is registered at " + place + " (order " + place.order + ") but its "
							+ hook.getKey() + " hook has order " + hook.getValue()
							+ ": declare @Interceptor(order = Pipeline.Order." + place + ") and no order on its hooks";
				}
			}
			return null;
		}
	}

	/** A module's interceptors: its configuration publishes them; the pipeline registers them. */
	public interface Contributor {
		List<Step> steps();
	}

	/**
	 * The steps in pipeline order, after checking each and that no two interceptors share a pointcut at one place.
	 *
	 * @throws IllegalStateException naming what is wrong
	 */
	public static List<Step> ordered(List<Step> steps) {
		List<String> problems = new ArrayList<>();
		Map<String, String> taken = new HashMap<>();
		for (Step step : steps) {
			String problem = step.problem();
			if (problem != null) {
				problems.add(problem);
				continue;
			}
			for (Pointcut pointcut : step.place.hapi ? Set.<Pointcut>of() : step.hooks().keySet()) {
				String other = taken.putIfAbsent(step.place + " " + pointcut, step.interceptor.getClass().getSimpleName());
				if (other != null) {
					problems.add(other + " and " + step.interceptor.getClass().getSimpleName() + " both hook " + pointcut
							+ " at " + step.place + ": their order would be the registration's; give one its own place");
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("The request pipeline is not well declared:\n  "
					+ String.join("\n  ", problems));
		}
		return steps.stream().sorted(Comparator.comparingInt((Step s) -> s.place.order)
				.thenComparing(s -> s.interceptor.getClass().getSimpleName())).toList();
	}

	/** The README's pipeline table (markdown) of these steps. */
	public static String table(List<Step> steps) {
		Map<Place, List<Step>> byPlace = new LinkedHashMap<>();
		ordered(steps).forEach(s -> byPlace.computeIfAbsent(s.place, p -> new ArrayList<>()).add(s));
		StringBuilder table = new StringBuilder("| order | place | on | interceptors | when (HAPI pointcuts) | what it decides |\n"
				+ "|---:|---|---|---|---|---|\n");
		byPlace.forEach((place, at) -> table.append("| ").append(place.order).append(" | ")
				.append(place.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(" | ")
				.append(place.broadcaster == Broadcaster.REQUESTS ? "requests" : "storage").append(" | ")
				.append(at.stream().map(s -> "`" + s.interceptor.getClass().getSimpleName() + "` ("
						+ module(s.interceptor.getClass()) + ")").collect(Collectors.joining(", ")))
				.append(" | ").append(pointcuts(at)).append(" | ").append(place.decides).append(" |\n"));
		return table.toString();
	}

	/** The pointcuts the steps' interceptors hook (in the order HAPI's Pointcut enum declares them). */
	private static String pointcuts(List<Step> steps) {
		return steps.stream()
				.flatMap(s -> s.hooks().keySet().stream())
				.distinct().sorted()
				.map(p -> "`" + p.name() + "`").collect(Collectors.joining(", "));
	}

	/** Where the class lives, e.g. {@code access/authorisation}. */
	private static String module(Class<?> type) {
		if (!type.getName().startsWith("uk.childlink.")) {
			return "HAPI";
		}
		return type.getPackageName().substring("uk.childlink.".length()).replace('.', '/');
	}
}
