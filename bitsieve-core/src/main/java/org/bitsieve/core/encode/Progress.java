package org.bitsieve.core.encode;

/** Receives progress of long work; implementations must be thread-safe. */
@FunctionalInterface
public interface Progress {
    void update(long done, long total);

    Progress NONE = (d, t) -> { };
}
