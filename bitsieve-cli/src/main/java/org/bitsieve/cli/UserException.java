package org.bitsieve.cli;

/** A mistake in how the command was called; printed as one line without a stack trace. */
final class UserException extends RuntimeException {
    UserException(String message) {
        super(message);
    }
}
