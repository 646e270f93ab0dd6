package org.bitsieve.cli.store;

import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.BulkSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The bulk CLI's read-ahead: batches in order, one ahead at most, the reader's errors as if read by the caller. */
class BulkPrefetchTest {
    static BulkBatch batch(int n) {
        return new BulkBatch(new String[] {"id-" + n}, new float[] {n}, null, null);
    }

    @Test
    void batchesComeInOrderAndAtMostOneIsReadAhead() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        BulkSource src = () -> {
            int n = reads.incrementAndGet();
            return n <= 5 ? batch(n) : null;
        };
        try (BulkIndex.Prefetch p = new BulkIndex.Prefetch(src)) {
            for (int i = 1; i <= 5; i++) {
                BulkBatch b = p.next();
                assertEquals("id-" + i, b.ids()[0]);
                Thread.sleep(20); // time for the reader to run ahead, if it would run further than one batch
                assertTrue(reads.get() <= i + 1, "read " + reads.get() + " batches while the caller had " + i);
            }
            assertNull(p.next());
            assertNull(p.next(), "the end stays the end");
            assertEquals(6, reads.get(), "nothing read after the source said it was done");
        }
    }

    @Test
    void theReadersErrorsReachTheCallerUnchangedAfterTheGoodBatches() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        BulkSource io = () -> {
            if (reads.incrementAndGet() < 3) {
                return batch(reads.get());
            }
            throw new IOException("v.npy: file ended at row 7 of 9");
        };
        try (BulkIndex.Prefetch p = new BulkIndex.Prefetch(io)) {
            assertNotNull(p.next());
            assertNotNull(p.next());
            IOException e = assertThrows(IOException.class, p::next);
            assertEquals("v.npy: file ended at row 7 of 9", e.getMessage());
        }
        BulkSource bad = () -> {
            throw new IllegalStateException("docs.jsonl changed while it was loaded: it ended at line 12");
        };
        try (BulkIndex.Prefetch p = new BulkIndex.Prefetch(bad)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, p::next);
            assertTrue(e.getMessage().contains("ended at line 12"));
        }
    }

    @Test
    void closeWaitsForAReadInFlight() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        BulkSource slow = () -> {
            started.countDown();
            try {
                Thread.sleep(300); // a long read, not interruptible in the way a file read may be
            } catch (InterruptedException e) {
                // ignore: finish the read as a blocking file read would
            }
            finished.incrementAndGet();
            return batch(1);
        };
        BulkIndex.Prefetch p = new BulkIndex.Prefetch(slow);
        assertTrue(started.await(5, TimeUnit.SECONDS));
        p.close(); // the load failed: the files are closed right after this
        assertEquals(1, finished.get(), "close returned while the reader was still reading");
    }
}
