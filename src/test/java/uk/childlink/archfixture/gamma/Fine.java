package uk.childlink.archfixture.gamma;

import uk.childlink.archfixture.alpha.AlphaApi;

/** Fixture for ModuleBoundariesTest: keeps the rule, using only alpha's public face. */
public class Fine {
	public int use() {
		return new AlphaApi().answer();
	}
}
