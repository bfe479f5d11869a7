package uk.childlink.archfixture.alpha.internal;

/** Fixture for ModuleBoundariesTest: an internal of module alpha. */
public class Secret {
	public int value() {
		return 7;
	}
}
