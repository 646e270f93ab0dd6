package org.bitsieve.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes applied atomically and durably by {@link Collection#write}: one write-ahead-log record, one fsync,
 * one new snapshot. Operations apply in the order given.
 */
public final class WriteBatch {
    enum Kind { ADD, UPSERT, DELETE }

    record Op(Kind kind, String id, Doc doc) {}

    private final List<Op> ops = new ArrayList<>();

    /** Adds a document; the write fails if its id already exists. */
    public WriteBatch add(Doc d) {
        ops.add(new Op(Kind.ADD, d.id(), d));
        return this;
    }

    /** Adds a document, replacing any document with the same id. */
    public WriteBatch upsert(Doc d) {
        ops.add(new Op(Kind.UPSERT, d.id(), d));
        return this;
    }

    /** Deletes a document by id (a no-op when absent). */
    public WriteBatch delete(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("delete needs a non-empty id");
        }
        ops.add(new Op(Kind.DELETE, id, null));
        return this;
    }

    public int size() { return ops.size(); }

    public boolean isEmpty() { return ops.isEmpty(); }

    List<Op> ops() { return Collections.unmodifiableList(ops); }

    int additions() {
        int n = 0;
        for (Op o : ops) {
            if (o.kind() != Kind.DELETE) {
                n++;
            }
        }
        return n;
    }
}
