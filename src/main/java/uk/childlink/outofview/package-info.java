/**
 * The children who drop out of view (issue 20): worklists that tell each service which of its children it has lost
 * sight of (a council's children missing education, a health visiting service's overdue reviews, a school's recent
 * joiners with a plan or persistent absence) and a child's household, each a FHIR operation filtered by the access
 * rules ({@code lists/}). Depends on the school roll ({@code schools}), the review schedule ({@code earlyyears}), the
 * code lists ({@code conformance}) and the access rules ({@code access}); nothing depends on it.
 */
package uk.childlink.outofview;
