package org.bitsieve.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Collection#verify} found: one line per problem, {@code file @offset: what} (the offset is omitted
 * when unknown). {@code tornTail} is set when the only problem is bytes after the log's last intact record, which a
 * crash mid-write leaves as well as damage does.
 */
public record VerifyReport(Path dir, List<String> problems, boolean tornTail) {
    public boolean healthy() { return problems.isEmpty(); }
}
