package uk.childlink.platform;

import ca.uhn.fhir.rest.server.IResourceProvider;

/**
 * A module's own provider of a resource type, published as a Spring bean: the FHIR endpoint registers it instead of
 * HAPI's storage for that type (the audit trail serves AuditEvent from its own table, say).
 */
public interface OwnResourceProvider extends IResourceProvider {}
