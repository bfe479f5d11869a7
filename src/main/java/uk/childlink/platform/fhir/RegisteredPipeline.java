package uk.childlink.platform.fhir;

import java.util.List;
import uk.childlink.platform.Pipeline;

/** The steps the server registered, in order (what the README's pipeline table shows). */
record RegisteredPipeline(List<Pipeline.Step> steps) {}
