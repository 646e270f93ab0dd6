package org.bitsieve.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Collection#repair} did: the actions taken, the ids of documents it could not salvage (their bytes
 * were damaged), how many more were lost without a readable id, where the discarded files went (null when nothing
 * was discarded), and how many documents the repaired collection holds.
 */
public record RepairReport(Path dir, List<String> actions, List<String> lostIds, long lostWithoutIds, Path quarantine,
                           int documents) {
    public boolean changed() { return quarantine != null; }
}
