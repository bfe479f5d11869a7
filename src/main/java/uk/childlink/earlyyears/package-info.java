/**
 * The early years (issue 20): the Healthy Child Programme's mandated reviews by health visiting services, when each is
 * due ({@link uk.childlink.earlyyears.ReviewSchedule}, from the published code system). The records themselves are
 * FHIR resources checked against the {@code fhir-profiles/early-years/} profiles. Depends on the code lists
 * ({@code conformance}); the worklists of {@code outofview} depend on it.
 */
package uk.childlink.earlyyears;
