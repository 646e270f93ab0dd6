package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Documents the store's tests share: runs of {@link TestVectors#doc}, a populated collection, their vectors as a matrix. */
final class TestDocs {
    private TestDocs() {}

    /** Documents {@code d<from>} .. {@code d<from+n-1>}. */
    static List<Doc> docs(long from, int n) {
        List<Doc> out = new ArrayList<>();
        for (long s = from; s < from + n; s++) {
            out.add(TestVectors.doc(s));
        }
        return out;
    }

    /** Documents {@code d<from>} .. {@code d<to-1>} again, with the vectors, texts and metadata of other seeds (upserts). */
    static List<Doc> replacements(long from, long to) {
        List<Doc> out = new ArrayList<>();
        for (long s = from; s < to; s++) {
            Doc d = TestVectors.doc(s + 5000);
            out.add(new Doc("d" + s, d.vector(), d.text(), d.metadataJson()));
        }
        return out;
    }

    /**
     * Builds several segments, a memtable and deletions: {@code batches} adds of 100 documents, with {@code deletes}
     * ids deleted after every third (some already gone); fills {@code live} and returns the live docs in storage order.
     */
    static List<Doc> populate(Collection c, Map<String, Doc> live, int batches, int deletes) throws IOException {
        long seed = 0;
        for (int b = 0; b < batches; b++) {
            List<Doc> batch = docs(seed, 100);
            seed += 100;
            c.add(batch);
            batch.forEach(d -> live.put(d.id(), d));
            if (b % 3 == 0) {
                List<String> del = new ArrayList<>();
                for (int i = 0; i < deletes; i++) {
                    del.add("d" + (b * 97 + i * 7) % seed);
                }
                c.delete(del);
                del.forEach(live::remove);
            }
        }
        List<Doc> order = new ArrayList<>();
        c.snapshot().forEachId(id -> order.add(live.get(id)));
        return order;
    }

    /** The documents' vectors, one row each. */
    static FloatMatrix vectors(List<Doc> docs) {
        float[] d = new float[docs.size() * TestVectors.DIM];
        for (int i = 0; i < docs.size(); i++) {
            System.arraycopy(docs.get(i).vector(), 0, d, i * TestVectors.DIM, TestVectors.DIM);
        }
        return new FloatMatrix(d, docs.size(), TestVectors.DIM);
    }
}
