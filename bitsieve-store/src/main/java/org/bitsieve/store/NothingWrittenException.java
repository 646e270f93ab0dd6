package org.bitsieve.store;

import java.io.IOException;

/**
 * A write that failed before it took effect: the log was rolled back to its last whole record, or a flush or rewrite
 * stopped before its manifest replaced the old one and its partial files were removed. The collection's files and
 * memory are as they were before the call, so it stays writable; the typical cause is a full disk (the cause's
 * message says which), and the same call succeeds once space is freed. Internal to the store: the collection rethrows
 * the cause.
 */
final class NothingWrittenException extends IOException {
    NothingWrittenException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    IOException io() { return (IOException) getCause(); }
}
