package org.bitsieve.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A write refused because an earlier one failed in a way the collection could not undo (its log could not be cut
 * back, an fsync failed, a commit failed half-way): everything acknowledged is in the log, and closing and reopening
 * the collection replays it. Searches and reads go on meanwhile.
 */
public final class CollectionUnwritableException extends IOException {
    CollectionUnwritableException(Path dir, IOException cause) {
        super("collection " + dir + " refused the write: an earlier write failed (" + cause.getMessage()
                + "); close and reopen it to recover from the log", cause);
    }
}
