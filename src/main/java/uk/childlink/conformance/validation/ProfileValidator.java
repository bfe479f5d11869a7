package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import ca.uhn.fhir.util.FhirTerser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import uk.childlink.conformance.loading.ConformanceFiles;
import uk.childlink.platform.Primitives;
import org.hl7.fhir.r4.model.Base;
import uk.childlink.conformance.CodeLists;

/**
 * Validates a resource against the ChildLink profiles that apply to it (see {@link ProfileSelector}) with HAPI's
 * instance validator, which reads the profiles and code systems stored in the server. Only errors count: warnings
 * and information never block a write. One warning is raised to an error: a code that claims one of our code systems
 * but is not in it (the base FHIR bindings are mostly "example", so the validator only warns), because a code we
 * publish is a promise that another service can look it up.
 */
final class ProfileValidator {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProfileValidator.class);

	private final FhirValidator validator;
	private final IParser parser;
	private final ProfileSelector selector;
	private final FhirTerser terser;
	private final OurCodes ourCodes;
	/** The compiled checker asked first; null when every resource goes to HL7's validator. */
	private final FastCheck fast;
	/** Resources checked on write, by who judged them (Prometheus: {@code childlink_validation_resources_total}). */
	private final Counter byCompiledChecker = Metrics.counter("childlink.validation.resources", "judged.by", "compiled");
	private final Counter byHl7Validator = Metrics.counter("childlink.validation.resources", "judged.by", "hl7");
	private final Object coldStart = new Object();
	private volatile boolean warm;

	ProfileValidator(FhirContext fhirContext, IInstanceValidatorModule instanceValidator, ConformanceFiles files,
			CodeLists codeLists, FastCheck fast) {
		this.ourCodes = new OurCodes(codeLists);
		this.fast = fast;
		this.validator = fhirContext.newValidator().registerValidatorModule(instanceValidator);
		this.parser = fhirContext.newJsonParser();
		this.terser = fhirContext.newTerser();
		this.selector = new ProfileSelector(fhirContext, files.resources());
	}

	/**
	 * The errors, as an OperationOutcome; null when the resource meets every profile that applies to it. Locations
	 * are FHIRPath from the resource.
	 */
	OperationOutcome errors(IBaseResource resource) {
		Set<String> profiles = selector.profilesFor(resource);
		if (profiles.isEmpty() && !selector.carriesOurCodes(resource)) {
			return null;
		}
		List<SingleValidationMessage> errors = List.of();
		if (fast == null || !(resource instanceof Resource r4) || !vouchedFor(r4, profiles, Map.of())) {
			errors = hl7Errors(resource, profiles);
			byHl7Validator.increment();
		} else {
			byCompiledChecker.increment();
		}
		OperationOutcome outcome = new OperationOutcome();
		for (SingleValidationMessage error : errors) {
			addError(outcome, error.getMessage(), location(resource.fhirType(), error.getLocationString(), null));
		}
		for (OurCodes.Problem problem : ourCodes.problems((Base) resource)) {
			addError(outcome, problem.message(), problem.location());
		}
		return outcome.hasIssue() ? outcome : null;
	}

	/** HL7's validator's verdict alone: the messages that refuse the resource against its base and {@code profiles}. */
	List<SingleValidationMessage> hl7Errors(IBaseResource resource, Set<String> profiles) {
		ValidationOptions options = new ValidationOptions();
		profiles.forEach(options::addProfile);
		return validate(resource, options).getMessages().stream().filter(ProfileValidator::blocks).toList();
	}

	Set<String> profilesFor(IBaseResource resource) {
		return selector.profilesFor(resource);
	}

	private static void addError(OperationOutcome outcome, String diagnostics, String location) {
		outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.PROCESSING).setDiagnostics(diagnostics)
				.addLocation(location).addExpression(location);
	}

	/**
	 * The errors of the entries of one transaction, checked in ONE pass of the validator as the entries of a copy of
	 * the transaction, each resource carrying the profiles that apply to it; null when all are valid. The copy holds
	 * the entries this server checks and those they refer to, nothing else. HAPI builds a
	 * new instance validator for every call, and each one parses the validator's OID table from the classpath: that
	 * was 60% of the time of a transaction of attendance records checked entry by entry (JFR, docs/performance.md).
	 * The copy is a transaction (with each entry's request) so that conditional references
	 * ({@code Patient?identifier=...}) and references between entries mean what they mean to HAPI. Only errors inside
	 * the resource of an entry this server checks count (the bundle's own rules are HAPI's to apply); each is located
	 * at the transaction's entry, as {@code bundleEntries} names it.
	 */
	OperationOutcome errorsOfEach(List<Bundle.BundleEntryComponent> entries, List<String> bundleEntries) {
		List<Resource> copies = new ArrayList<>();
		List<String> fullUrls = new ArrayList<>();
		List<Set<String>> profilesOf = new ArrayList<>();
		Set<Integer> checked = new java.util.TreeSet<>();
		for (int i = 0; i < entries.size(); i++) {
			Bundle.BundleEntryComponent entry = entries.get(i);
			Resource copy = copyOf(entry.getResource());
			Set<String> profiles = selector.profilesFor(copy);
			if (!profiles.isEmpty() || selector.carriesOurCodes(copy)) {
				checked.add(i);
			}
			profiles.forEach(profile -> {
				if (copy.getMeta().getProfile().stream().noneMatch(claimed -> Primitives.is(claimed, profile))) {
					copy.getMeta().addProfile(profile);
				}
			});
			// the validator refuses relative references in an entry without a fullUrl: give it a neutral one
			fullUrls.add(Primitives.present(entry.getFullUrlElement()) ? entry.getFullUrl()
					: "https://validation.invalid/fhir/" + copy.fhirType() + "/"
							+ (copy.getIdElement().hasIdPart() ? copy.getIdElement().getIdPart() : "entry-" + (i + 1)));
			copies.add(copy);
			profilesOf.add(profiles);
		}
		if (checked.isEmpty()) {
			return null;
		}
		// the entries the compiled checker cannot vouch for go to HL7's validator, which gives their verdict
		Set<Integer> unsure = unsure(checked, copies, fullUrls, profilesOf);
		// the entries checked, and those they refer to (whose type and profile the validator checks at the
		// reference): the rest are not ours to judge, and validating them against the base specification (a body
		// weight against HL7's vital signs profile) was most of the validator's time on a realistic transaction
		List<Integer> kept = referredToFrom(unsure, copies, fullUrls);
		Bundle together = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i : kept) {
			together.addEntry().setFullUrl(fullUrls.get(i)).setResource(copies.get(i))
					.setRequest(entries.get(i).getRequest().copy());
		}
		OperationOutcome outcome = new OperationOutcome();
		for (int position : checked) {
			Resource copy = copies.get(position);
			for (OurCodes.Problem problem : ourCodes.problems(copy)) {
				addError(outcome, problem.message(), location(copy.fhirType(), problem.location(),
						bundleEntries.get(position)));
			}
		}
		Set<String> seen = new HashSet<>();
		List<SingleValidationMessage> messages =
				unsure.isEmpty() ? List.of() : validate(together, new ValidationOptions()).getMessages();
		for (SingleValidationMessage message : messages) {
			String where = message.getLocationString() == null ? "" : message.getLocationString();
			Matcher entry = ENTRY_LOCATION.matcher(where);
			if (blocks(message) && !entry.lookingAt()
					&& (where.isBlank() || message.getSeverity() == ResultSeverityEnum.FATAL)) {
				// the validator failed as a whole, as it would have for each entry checked alone: still a refusal
				addError(outcome, message.getMessage(), "Bundle");
				continue;
			}
			if (!blocks(message) || !entry.lookingAt()) {
				continue;
			}
			int position = kept.get(Integer.parseInt(entry.group(1)));
			if (!unsure.contains(position)) {
				continue;
			}
			String rest = message.getLocationString().substring(entry.end());
			String type = entries.get(position).getResource().fhirType();
			String location = location(type, type + rest, bundleEntries.get(position));
			if (seen.add(location + "\n" + message.getMessage())) {
				addError(outcome, message.getMessage(), location);
			}
		}
		return outcome.hasIssue() ? outcome : null;
	}

	/**
	 * The checked entries HL7's validator must judge: none when the compiled checker vouches for every one, otherwise
	 * all of them, as before it existed, so that a refused transaction's messages are HL7's whole list (an entry's
	 * error can be about another entry it refers to).
	 */
	private Set<Integer> unsure(Set<Integer> checked, List<Resource> copies, List<String> fullUrls,
			List<Set<String>> profilesOf) {
		if (fast == null) {
			return checked;
		}
		Map<String, FastCheck.Entry> bundle = new HashMap<>();
		for (int i = 0; i < copies.size(); i++) {
			FastCheck.Entry entry = new FastCheck.Entry(copies.get(i), profilesOf.get(i));
			bundle.put(fullUrls.get(i), entry);
			if (copies.get(i).getIdElement().hasIdPart()) {
				bundle.putIfAbsent(copies.get(i).fhirType() + "/" + copies.get(i).getIdElement().getIdPart(), entry);
			}
		}
		for (int position : checked) {
			if (!vouchedFor(copies.get(position), profilesOf.get(position), bundle)) {
				byHl7Validator.increment(checked.size());
				return checked;
			}
		}
		byCompiledChecker.increment(checked.size());
		return Set.of();
	}

	/** Whether the compiled checker vouches for the resource; counted, and why not logged (at debug). */
	private boolean vouchedFor(Resource resource, Set<String> profiles, Map<String, FastCheck.Entry> bundle) {
		String whyNot = fast.whyNot(resource, profiles, bundle);
		if (whyNot != null && log.isDebugEnabled()) {
			log.debug("{} {} goes to HL7's validator: {}", resource.fhirType(), profiles, whyNot);
		}
		return whyNot == null;
	}

	/**
	 * The positions of the {@code checked} entries and of every entry they refer to, directly or through another
	 * (by fullUrl, or by {@code Type/id}), in order.
	 */
	private List<Integer> referredToFrom(Set<Integer> checked, List<Resource> copies, List<String> fullUrls) {
		Map<String, Integer> byAddress = new HashMap<>();
		for (int i = 0; i < copies.size(); i++) {
			byAddress.put(fullUrls.get(i), i);
			Resource copy = copies.get(i);
			if (copy.getIdElement().hasIdPart()) {
				byAddress.putIfAbsent(copy.fhirType() + "/" + copy.getIdElement().getIdPart(), i);
			}
		}
		Set<Integer> kept = new java.util.TreeSet<>(checked);
		java.util.Deque<Integer> toFollow = new java.util.ArrayDeque<>(checked);
		while (!toFollow.isEmpty()) {
			Resource from = copies.get(toFollow.pop());
			for (Reference reference : terser.getAllPopulatedChildElementsOfType(from, Reference.class)) {
				String target = reference.getReference();
				if (target == null) {
					continue;
				}
				Integer to = byAddress.get(target);
				if (to == null && target.startsWith("http")) {
					// an absolute reference naming an entry by its type and id
					String[] parts = target.split("/");
					to = parts.length >= 2 ? byAddress.get(parts[parts.length - 2] + "/" + parts[parts.length - 1]) : null;
				}
				if (to != null && kept.add(to)) {
					toFollow.push(to);
				}
			}
		}
		return new ArrayList<>(kept);
	}

	/**
	 * A copy to validate. HAPI's model re-checks a date's precision when copying it, and fails on one the lenient
	 * parser let through ({@code 2026-01-01T12:00Z}): such a resource is copied through the parser instead, so that
	 * the validator reports the value.
	 */
	private Resource copyOf(Resource resource) {
		try {
			return resource.copy();
		} catch (IllegalArgumentException | DataFormatException invalidValue) {
			return (Resource) parser.parseResource(parser.encodeResourceToString(resource));
		}
	}

	/** An entry's resource in the validator's locations: {@code Bundle.entry[3].resource/*Observation/null*&#47;}. */
	private static final Pattern ENTRY_LOCATION =
			Pattern.compile("Bundle\\.entry\\[(\\d+)\\]\\.resource(?:/\\*[^*]*\\*/)*");

	/**
	 * HAPI's validator converts every StructureDefinition it knows to its internal model on first use and caches
	 * them, without a lock: twenty requests arriving cold each build their own copy (about 100 MB each), which ran a
	 * 768 MB heap out of memory. So the first validation runs alone; later ones run in parallel.
	 */
	private ValidationResult validate(IBaseResource resource, ValidationOptions options) {
		if (!warm) {
			synchronized (coldStart) {
				if (!warm) {
					ValidationResult result = validator.validateWithResult(resource, options);
					warm = true;
					return result;
				}
			}
		}
		return validator.validateWithResult(resource, options);
	}

	/** Pays the first validation's cost before a client does (called in the background at start-up). */
	void warmUp() {
		Patient child = new Patient();
		child.addName().setFamily("Warm-up");
		errors(child);
	}

	/** FHIRPath of the error; the resource itself when the validator gives none (a profile it cannot find, say). */
	static String location(String resourceType, String location, String bundleEntry) {
		if (location == null || location.isBlank()) {
			return bundleEntry != null ? bundleEntry : resourceType;
		}
		if (bundleEntry == null || !location.startsWith(resourceType)) {
			return location;
		}
		return bundleEntry + location.substring(resourceType.length());
	}

	static boolean blocks(ResultSeverityEnum severity, String messageId, String message) {
		if (isOtherPublishersUnknownProfile(messageId, message)) {
			return false; // another publisher's profile that this server does not hold: the client's business
		}
		return switch (severity) {
			case ERROR, FATAL -> true;
			default -> false; // a warning (an unknown code of ours among them: OurCodes refuses that itself)
		};
	}

	private static boolean blocks(SingleValidationMessage message) {
		return blocks(message.getSeverity(), message.getMessageId(), message.getMessage());
	}

	static boolean isOtherPublishersUnknownProfile(String messageId, String message) {
		return isUnknownProfile(messageId) && (message == null || !message.contains(ProfileSelector.BASE));
	}

	private static boolean isUnknownProfile(String messageId) {
		return I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(messageId)
				|| I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(messageId);
	}

}
