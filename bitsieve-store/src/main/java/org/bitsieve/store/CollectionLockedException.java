package org.bitsieve.store;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another open {@link Collection} in this one) holds the collection's writer lock. */
public class CollectionLockedException extends IOException {
    public CollectionLockedException(Path dir) {
        super(dir + ": the collection is open in another process (or another Collection object); close it first");
    }
}
