package uk.childlink.archfixture.beta;

import uk.childlink.archfixture.alpha.internal.Secret;

/** Fixture for ModuleBoundariesTest: breaks the rule by using alpha's internals. */
public class Consumer {
	public int use() {
		return new Secret().value();
	}
}
