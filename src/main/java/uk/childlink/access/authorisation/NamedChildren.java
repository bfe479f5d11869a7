package uk.childlink.access.authorisation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The children a search of a child's records names outright, in the parameter that says whose records they are
 * ({@code Observation?subject=Patient/123}, {@code Observation?subject:Patient.identifier=<system>|<NHS number>}):
 * the search can only match their records. The narrowing ({@link SearchNarrowing}) checks those children's
 * relationships before the search rather than joining the grants inside it, which triples the tables PostgreSQL
 * plans the search over (planning a chained search of one child's term took 20 ms with the join, 4 ms without).
 * Anything else (another parameter, a modifier, more than {@link #MOST} children) is not read as naming children.
 * An identifier with its system ({@code <system>|<value>}, as clients name a child) is looked up in HAPI's index of
 * Patient identifiers by HAPI's own hash of it, one SQL statement, as HAPI's search finds it; at 50,000 children the
 * search through HAPI (its search machinery, then loading and parsing the Patient for its id) was about a tenth of a
 * chained term search's request-thread CPU. Other forms go through HAPI's search.
 */
final class NamedChildren {

	/** The most children a search may name and still be checked child by child. */
	static final int MOST = 20;

	private final FhirContext fhir;
	private final DaoRegistry daos;
	private final JdbcTemplate sql;
	private final PartitionSettings partitions;

	NamedChildren(FhirContext fhir, DaoRegistry daos, DataSource dataSource, PartitionSettings partitions) {
		this.fhir = fhir;
		this.daos = daos;
		this.sql = new JdbcTemplate(dataSource);
		this.partitions = partitions;
	}

	/**
	 * The ids of the Patients a search of {@code type} is limited to by {@code parameters} (those of its parameter
	 * {@code patientParameter}, or of a parameter that parameter refines), or empty when it is not limited to named
	 * children. Each identifier named is looked up.
	 */
	Optional<Set<String>> of(String type, String patientParameter, Map<String, String[]> parameters) {
		Set<String> ids = new LinkedHashSet<>();
		List<TokenParam> identifiers = new ArrayList<>();
		boolean named = false;
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			Form form = form(type, patientParameter, parameter.getKey());
			if (form == null) {
				continue;
			}
			for (String value : parameter.getValue()) { // several values AND: each names children the search keeps to
				if (value == null || value.isEmpty() || value.contains("\\")) {
					return Optional.empty();
				}
				for (String one : value.split(",", -1)) {
					if (form == Form.IDENTIFIER) {
						if (one.isEmpty() || one.endsWith("|")) {
							return Optional.empty(); // a whole system, or nothing: not a named child
						}
						int bar = one.indexOf('|');
						identifiers.add(bar < 0 ? new TokenParam(null, one)
								: new TokenParam(one.substring(0, bar), one.substring(bar + 1)));
					} else if (one.startsWith("Patient/") && isId(one.substring("Patient/".length()))) {
						ids.add(one.substring("Patient/".length()));
					} else if (form == Form.BARE_ID && isId(one)) {
						ids.add(one);
					} else {
						return Optional.empty();
					}
				}
				named = true;
			}
		}
		if (!named || ids.size() + identifiers.size() > MOST) {
			return Optional.empty();
		}
		if (!identifiers.isEmpty()) {
			List<String> byIndex = identifiers.stream().allMatch(t -> t.getSystem() != null && !t.getSystem().isEmpty())
					? byIndex(identifiers) : null;
			ids.addAll(byIndex != null ? byIndex : bySearch(identifiers));
		}
		return ids.isEmpty() || ids.size() > MOST ? Optional.empty() : Optional.of(ids);
	}

	/**
	 * The ids of the Patients (not deleted) with any of the identifiers, each {@code <system>|<value>}; null when one
	 * of them is held by no Patient as written. HAPI's search may still find it: a search hook rewrites some values
	 * before HAPI matches them (an NHS number written with spaces), and the search itself will match what HAPI finds,
	 * so every child it names must be known here, or none is.
	 */
	private List<String> byIndex(List<TokenParam> identifiers) {
		RequestPartitionId partition = RequestPartitionId.defaultPartition();
		Long[] hashes = identifiers.stream().map(token -> ResourceIndexedSearchParamToken.calculateHashSystemAndValue(
				partitions, partition, "Patient", "identifier", token.getSystem(), token.getValue()))
				.distinct().toArray(Long[]::new);
		Set<Long> held = new HashSet<>();
		Set<String> ids = new LinkedHashSet<>();
		sql.query("SELECT DISTINCT t.hash_sys_and_value, r.fhir_id FROM hfj_spidx_token t JOIN hfj_resource r "
				+ "ON r.res_id = t.res_id AND r.res_type = 'Patient' AND r.res_deleted_at IS NULL "
				+ "WHERE t.hash_sys_and_value = ANY (?) LIMIT ?", row -> {
					held.add(row.getLong(1));
					ids.add(row.getString(2));
				}, hashes, MOST + hashes.length + 1);
		return held.size() == hashes.length ? List.copyOf(ids) : null;
	}

	/** As {@link #byIndex}, through HAPI's search: an identifier without its system, or with an empty one. */
	private List<String> bySearch(List<TokenParam> identifiers) {
		TokenOrListParam any = new TokenOrListParam();
		identifiers.forEach(any::addOr);
		SearchParameterMap search = SearchParameterMap.newSynchronous().add("identifier", any);
		search.setLoadSynchronousUpTo(MOST + 1);
		List<IBaseResource> found = daos.getResourceDao("Patient").search(search, new SystemRequestDetails())
				.getResources(0, MOST + 1);
		return found.stream().map(patient -> patient.getIdElement().getIdPart()).toList();
	}

	private enum Form { ID, BARE_ID, IDENTIFIER }

	/** How a parameter of the search names children, or null when it does not. */
	private Form form(String type, String patientParameter, String key) {
		String name = key;
		boolean typed = false;
		boolean identifier = false;
		if (name.endsWith(".identifier")) {
			identifier = true;
			name = name.substring(0, name.length() - ".identifier".length());
		}
		if (name.endsWith(":Patient")) {
			typed = true;
			name = name.substring(0, name.length() - ":Patient".length());
		}
		if (name.contains(":") || name.contains(".")) {
			return null;
		}
		RuntimeSearchParam param = fhir.getResourceDefinition(type).getSearchParam(name);
		RuntimeSearchParam patient = fhir.getResourceDefinition(type).getSearchParam(patientParameter);
		if (param == null || patient == null || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE
				|| !(name.equals(patientParameter) || refines(patient, param))) {
			return null;
		}
		boolean onlyPatients = typed || param.getTargets().equals(Set.of("Patient"));
		if (identifier) {
			return onlyPatients ? Form.IDENTIFIER : null;
		}
		return onlyPatients ? Form.BARE_ID : Form.ID;
	}

	/** Whether {@code narrower}'s path is {@code wider}'s, narrowed ({@code Observation.subject.where(...)}). */
	private static boolean refines(RuntimeSearchParam narrower, RuntimeSearchParam wider) {
		String path = narrower.getPath();
		String of = wider.getPath();
		return path != null && of != null && !of.contains("|") && (path.equals(of) || path.startsWith(of + "."));
	}

	private static boolean isId(String id) {
		return id.matches("[A-Za-z0-9\\-.]{1,64}");
	}
}
