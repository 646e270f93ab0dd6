package org.bitsieve.embed;

/** Told after each batch how many of the texts are embedded; called on the embedding thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void progress(long done, long total);
}
