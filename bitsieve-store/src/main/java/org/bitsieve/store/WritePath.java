package org.bitsieve.store;

import org.bitsieve.core.PackedCodes;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The write path of a {@link Collection}: a batch is validated and encoded ({@link BatchPrep}), the memtable flushed
 * first when the batch would not fit, the batch appended to the log and fsynced, and only then applied in memory
 * (ids, deletion bits, memtable rows) and published as a new snapshot. Replaying the log at open applies the same
 * way, so both end in the same state. Callers hold the collection's monitor.
 */
final class WritePath {
    private final CollectionState st;
    private final MemtableFlush flusher;
    /** Runs after a write that flushed (the automatic refit's check). */
    private final Runnable afterFlush;

    WritePath(CollectionState st, MemtableFlush flusher, Runnable afterFlush) {
        this.st = st;
        this.flusher = flusher;
        this.afterFlush = afterFlush;
    }

    /** See {@link Collection#write}; the batch is not empty and the collection is writable. */
    int write(WriteBatch batch) throws IOException {
        List<Prepared> ops;
        try {
            ops = BatchPrep.prepare(batch, id -> st.locate(id, Map.of()) != null, st.encoder, st.dim, st.floats, st.coarse);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // an id lookup met a damaged block: nothing was written
        }
        int adds = CollectionState.additions(ops);
        if (adds > st.memtableDocs) {
            throw new IllegalArgumentException("a batch may add at most " + st.memtableDocs + " documents (the collection's memtable size), got " + adds);
        }
        boolean flushed = adds > st.mem.remaining();
        if (flushed) {
            st.change(flusher::flush);
        }
        // every id lookup the batch needs, before it is logged: a damaged id index or ids block refuses the batch
        // (naming the file) instead of failing halfway through applying it; apply uses these answers
        Map<String, Long> located = new HashMap<>();
        try {
            for (WriteBatch.Op op : batch.ops()) {
                if (op.kind() != WriteBatch.Kind.ADD && !located.containsKey(op.id())) { // prepare looked up the added ids
                    located.put(op.id(), st.locate(op.id(), Map.of()));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        try {
            st.wal.append(ops, st.stride, st.dim, st.floats);
        } catch (NothingWrittenException e) {
            throw e.io(); // rolled back to the last whole record: nothing of the batch is logged or applied
        } catch (IOException | RuntimeException e) {
            // the log may now hold part of a record: refuse further writes until a reopen replays it cleanly
            st.fail(e);
            throw e;
        }
        int removed;
        try {
            removed = apply(ops, located);
        } catch (RuntimeException e) {
            // logged but not (fully) applied in memory: refuse further writes; a reopen replays the log
            st.fail(e);
            throw e;
        }
        if (flushed) {
            afterFlush.run(); // after the batch is applied: its codes were made with the encoder a refit replaces
        }
        return removed;
    }

    /** Applies the batches of the log being opened (each must fit the memtable, as every logged batch did). */
    void replay(Wal.Replay replay) throws IOException {
        st.wal = replay.wal();
        for (List<Prepared> batch : replay.batches()) {
            if (CollectionState.additions(batch) > st.mem.remaining()) {
                throw new CorruptCollectionException(st.wal.path(), "log holds more documents than the memtable takes");
            }
            apply(batch, null);
        }
    }

    /**
     * Applies a logged batch to memory (live writes and replay share this, so both end in the same state).
     * {@code located} (null on replay) holds where each upserted or deleted id was before the batch; it answers for
     * an id's first operation in the batch only, since the batch itself then moves the id (later ones look again).
     */
    private int apply(List<Prepared> ops, Map<String, Long> located) throws CorruptCollectionException {
        if (st.coarse != null) {
            ops = Partitioning.withCells(ops, st.coarse, st.wal.path());
        }
        float[] norms = null;
        int adds = CollectionState.additions(ops);
        if (st.normalized && adds > 0) {
            long[] data = new long[adds * (st.stride / 8)];
            int a = 0;
            for (Prepared p : ops) {
                if (p.kind() != WriteBatch.Kind.DELETE) {
                    System.arraycopy(p.code(), 0, data, a++ * (st.stride / 8), st.stride / 8);
                }
            }
            norms = st.encoder.inverseNorms(new PackedCodes(data, adds, st.bits));
        }
        int removed = 0;
        st.lock.writeLock().lock();
        try {
            Map<Integer, long[]> touched = new HashMap<>();
            int a = 0;
            for (Prepared p : ops) {
                // an added id is live nowhere (prepare checked it against this batch and the collection)
                Long old;
                if (p.kind() == WriteBatch.Kind.ADD) {
                    old = null;
                } else if (located != null && located.containsKey(p.id())) {
                    old = located.get(p.id()); // no earlier operation of this batch touched the id: as the lookup found it
                } else {
                    old = st.locate(p.id(), touched);
                }
                if (located != null) {
                    located.remove(p.id());
                }
                if (old != null) {
                    st.memIds.remove(p.id());
                    st.markDeleted(old, touched);
                    removed++;
                }
                if (p.kind() != WriteBatch.Kind.DELETE) {
                    int row = st.mem.append(p.id(), p.code(), p.text(), p.meta(), p.vector(), norms == null ? 0f : norms[a], p.cell());
                    a++;
                    st.memIds.put(p.id(), row);
                }
            }
            st.deleted.putAll(touched);
            st.dirtyDeletes.addAll(touched.keySet());
            st.sequence++;
            st.publish();
        } finally {
            st.lock.writeLock().unlock();
        }
        return removed;
    }
}
