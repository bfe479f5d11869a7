package uk.childlink.identity;

/** An identifier value that breaks its rule; the message says which rule, in words a user can act on. */
public class InvalidIdentifierException extends IllegalArgumentException {

	public InvalidIdentifierException(String message) {
		super(message);
	}
}
