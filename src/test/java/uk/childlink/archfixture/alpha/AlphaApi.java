package uk.childlink.archfixture.alpha;

/** Fixture for ModuleBoundariesTest: the public face of module alpha. */
public class AlphaApi {
	public int answer() {
		return 42;
	}
}
