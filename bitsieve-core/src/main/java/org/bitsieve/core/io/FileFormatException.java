package org.bitsieve.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not what it claims to be: truncated, corrupt, of another kind or version. */
public class FileFormatException extends IOException {
    private final transient Path path;

    public FileFormatException(Path path, String message) {
        super((path == null ? "" : path + ": ") + message);
        this.path = path;
    }

    public Path path() { return path; }
}
