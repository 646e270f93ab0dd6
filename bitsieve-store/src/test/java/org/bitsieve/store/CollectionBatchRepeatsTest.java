package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Batches that touch one id several times: a write looks each id up once before logging and applies with that
 * answer for the id's first operation only, so later operations on the same id must see what the batch itself did.
 * Checked against a plain model after each batch, then after a reopen that replays the log (which looks up again).
 */
class CollectionBatchRepeatsTest {
    @TempDir
    Path tmp;

    @Test
    void repeatedIdsInOneBatchApplyInOrderLiveAndOnReplay() throws IOException {
        Encoder enc = TestVectors.encoder("sign", 32);
        Path dir = tmp.resolve("c");
        Map<String, String> model = new HashMap<>();
        Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F32, 50));
        try {
            c.add(TestDocs.docs(0, 120)); // d0..d99 in segments, d100..d119 in the memtable
            TestDocs.docs(0, 120).forEach(d -> model.put(d.id(), d.text()));
            // in a segment: replaced, the replacement deleted, replaced again
            check(c, model, 2, new WriteBatch().upsert(doc(3, "a")).delete("d3").upsert(doc(3, "b")), "d3");
            // in the memtable: deleted, added back, replaced
            check(c, model, 2, new WriteBatch().delete("d110").add(doc(110, "c")).upsert(doc(110, "d")), "d110");
            // new: added, replaced, deleted
            check(c, model, 2, new WriteBatch().add(doc(500, "e")).upsert(doc(500, "f")).delete("d500"), "d500");
            // deleted twice: counted once
            check(c, model, 1, new WriteBatch().delete("d5").delete("d5"), "d5");
            // replaced twice: the segment copy, then the first replacement
            check(c, model, 2, new WriteBatch().upsert(doc(7, "g")).upsert(doc(7, "h")), "d7");
            // deleted, then a repeat of a deleted id that is gone
            check(c, model, 2, new WriteBatch().delete("d8").upsert(doc(9, "i")).delete("d8"), "d8", "d9");
        } finally {
            CollectionTest.abandon(c); // as a crash: the memtable only in the log
        }
        try (Collection r = Collection.open(dir)) {
            assertEquals(model.size(), r.count());
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertEquals(e.getValue(), r.get(e.getKey()).text(), e.getKey());
            }
            for (String gone : List.of("d500", "d5", "d8")) {
                if (!model.containsKey(gone)) {
                    assertNull(r.get(gone), gone);
                }
            }
        }
    }

    private static Doc doc(long seed, String text) { return new Doc("d" + seed, TestVectors.vector(seed), text, null); }

    /** Writes the batch, applies it to the model in order, and compares the removed count, size and touched ids. */
    private static void check(Collection c, Map<String, String> model, int removed, WriteBatch b, String... ids) throws IOException {
        for (WriteBatch.Op op : b.ops()) {
            if (op.kind() == WriteBatch.Kind.DELETE) {
                model.remove(op.id());
            } else {
                model.put(op.id(), op.doc().text());
            }
        }
        assertEquals(removed, c.write(b));
        assertEquals(model.size(), c.count());
        for (String id : ids) {
            Doc d = c.get(id);
            assertEquals(model.get(id), d == null ? null : d.text(), id);
        }
    }
}
