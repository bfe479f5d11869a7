/**
 * The children who drop out of view (issue 20): worklists that tell each service which of its children it has lost
 * sight of, each a FHIR operation filtered by the access rules ({@code lists/}). Depends on the school roll
 * ({@code schools}), the code lists ({@code conformance}) and the access rules ({@code access}); nothing depends on it.
 */
package uk.childlink.outofview;
