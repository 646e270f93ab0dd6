package org.bitsieve.store;

import org.bitsieve.core.io.FileFormatException;

import java.nio.file.Path;

/**
 * A collection file failed verification (bad magic, version, length or checksum, or inconsistent content).
 * The collection refuses to open rather than answer from damaged data; the message names the file.
 */
public class CorruptCollectionException extends FileFormatException {
    public CorruptCollectionException(Path path, String message) {
        super(path, message);
    }
}
