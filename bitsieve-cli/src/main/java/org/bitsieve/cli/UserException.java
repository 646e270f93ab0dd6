package org.bitsieve.cli;

/** A mistake in how the command was called or in its input; printed as one line without a stack trace. */
public final class UserException extends IllegalArgumentException {
    public UserException(String message) {
        super(message);
    }
}
