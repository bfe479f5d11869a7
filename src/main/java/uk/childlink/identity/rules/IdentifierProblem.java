package uk.childlink.identity.rules;

/** One broken identifier rule: where it is (FHIRPath) and what is wrong, in words a user can act on. */
record IdentifierProblem(String location, String message) {}
