package org.bitsieve.store;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memtable allocates on demand and keeps its contract: readers see complete rows below the published size. */
class MemTableTest {
    @Test
    void anEmptyMemtableIsSmallAndGrowsToItsCapacity() {
        MemTable m = new MemTable(1, 32, 262_144, 8, FloatFormat.F16, true);
        assertEquals(MemTable.INITIAL_ROWS, m.allocatedRows());
        long[] code = new long[4];
        for (int i = 0; i < 1000; i++) {
            code[0] = i;
            m.append("d" + i, code, null, null, new float[8], 1f / (i + 1));
        }
        assertEquals(1024, m.allocatedRows());
        for (int i = 0; i < 1000; i++) {
            assertEquals("d" + i, m.id(i));
            assertEquals(i, m.words()[i * 4]);
            assertEquals(1f / (i + 1), m.inverseNorms(null, 1000)[i]);
        }
        MemTable small = new MemTable(1, 32, 100, 8, FloatFormat.NONE, false);
        for (int i = 0; i < 100; i++) {
            small.append("s" + i, code, null, null, null, 0);
        }
        assertEquals(100, small.allocatedRows(), "growth stops at the capacity");
        assertNull(small.inverseNorms(null, 100));
    }

    /** One writer appends and publishes a count; readers check every row below it while the arrays double. */
    @Test
    void readersSeeCompleteRowsWhileTheArraysGrow() throws Exception {
        MemTable m = new MemTable(1, 32, 200_000, 4, FloatFormat.F32, false);
        AtomicInteger published = new AtomicInteger(); // stands in for the snapshot's volatile publication
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = new Thread(() -> {
                float[] v = new float[4];
                while (published.get() < 200_000 && failure.get() == null) {
                    int n = published.get();
                    long[] w = m.words();
                    for (int r = Math.max(0, n - 500); r < n; r++) {
                        m.vector(r, v);
                        if (w[r * 4] != r || !("d" + r).equals(m.id(r)) || m.metaBytes(r)[0] != (byte) r || v[0] != r) {
                            failure.set("row " + r + " incomplete below published " + n);
                        }
                    }
                }
            });
            readers[t].start();
        }
        long[] code = new long[4];
        for (int r = 0; r < 200_000; r++) {
            code[0] = r;
            m.append("d" + r, code, null, new byte[] {(byte) r}, new float[] {r, 0, 0, 0}, 0);
            published.set(r + 1);
        }
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get(), failure.get());
        assertTrue(m.allocatedRows() >= 200_000);
    }
}
