package uk.childlink.access.authorisation;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Reference;
import uk.childlink.conformance.TrustedWrites;

/**
 * Each child-organisation pair with a relationship, projected as a Basic resource (subject: the child; author: the
 * organisation), so that HAPI's own search SQL can join it: a caller's search is narrowed with
 * {@code _has:Basic:subject:author=Organization/<their organisation>} (see {@link SearchNarrowing}). Kept in step with
 * {@link RelationshipStore} in the transaction that changes it; nobody but an admin reads them. A pair whose last
 * relationship ends keeps its Basic, revoked (no author).
 */
final class AccessGrants {

	/** The tag every grant carries, by which they are hidden from everyone but an admin. */
	static final String TAG_SYSTEM = "https://fhir.childlink.uk/access";
	static final String TAG_CODE = "relationship-grant";

	private final RelationshipStore store;
	private final IFhirResourceDao<Basic> basics;

	AccessGrants(RelationshipStore store, IFhirResourceDao<Basic> basics) {
		this.store = store;
		this.basics = basics;
	}

	/** Makes the child's grants match the relationships that hold today. */
	void sync(String child) {
		Set<String> related = store.organisationsOf(child);
		Set<String> granted = store.grantedOrganisations(child);
		for (String organisation : related) {
			String id = idOf(child, organisation);
			if (!granted.contains(organisation) && store.addGrant(child, organisation, id)) {
				basics.update(grant(id, child, organisation), request());
			}
		}
		for (String organisation : granted) {
			if (!related.contains(organisation)) {
				// revoked, not deleted: HAPI's Patient/$merge moves a grant to the surviving record and then names it
				// in its Provenance, which a deleted grant would break (a revoked one names no organisation, so no
				// search joins it; a relationship that returns revives it under the same id)
				store.removeGrant(child, organisation).ifPresent(id -> basics.update(revoked(id, child), request()));
			}
		}
	}

	static boolean isGrant(IBaseResource resource) {
		return resource instanceof Basic basic && basic.getMeta().getTag(TAG_SYSTEM, TAG_CODE) != null;
	}

	private static Basic grant(String id, String child, String organisation) {
		Basic grant = new Basic();
		grant.setId(id);
		grant.getMeta().addTag(TAG_SYSTEM, TAG_CODE, "ChildLink access relationship");
		grant.getCode().setText("The organisation has a relationship with the child (access/policy.json)");
		grant.setSubject(new Reference("Patient/" + child));
		grant.setAuthor(new Reference("Organization/" + organisation));
		return grant;
	}

	private static Basic revoked(String id, String child) {
		Basic revoked = new Basic();
		revoked.setId(id);
		revoked.getMeta().addTag(TAG_SYSTEM, TAG_CODE, "ChildLink access relationship");
		revoked.getCode().setText("Revoked: the relationship has ended (access/policy.json)");
		revoked.setSubject(new Reference("Patient/" + child));
		return revoked;
	}

	/** One id per pair, whichever process makes it. */
	static String idOf(String child, String organisation) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
					.digest((child + "|" + organisation).getBytes(StandardCharsets.UTF_8));
			return "access-" + HexFormat.of().formatHex(hash, 0, 20);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static SystemRequestDetails request() {
		return TrustedWrites.mark(new SystemRequestDetails());
	}
}
