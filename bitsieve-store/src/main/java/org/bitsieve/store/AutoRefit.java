package org.bitsieve.store;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The automatic refit of a {@link Collection} (CollectionOptions#autoRefitDocs): started after a flush once the
 * collection has reached the size (and doubled since the last refit), and run off the writer's thread, one at a
 * time, by {@link CollectionRefit} (which takes the writer's lock only for the switch).
 */
final class AutoRefit {
    private final Collection c;
    private final CollectionState st;
    /**
     * Runs automatic refits (one at a time) off the writer's thread: measuring takes minutes at 20,000 documents, and
     * the write or flush that crossed the size must not wait for it. The switch itself takes the writer's lock.
     */
    private final ExecutorService refitter = Executors.newSingleThreadExecutor(r -> {
        Thread th = new Thread(r, "bitsieve-refit");
        th.setDaemon(true);
        return th;
    });
    /** The last refit started; guarded by the collection's monitor. */
    private Future<?> running;

    AutoRefit(Collection c, CollectionState st) {
        this.c = c;
        this.st = st;
    }

    /**
     * Starts the automatic refit (CollectionOptions#runningDocs) in the background when the collection has reached
     * the size (and doubled since the last refit), unless one is running. A refit that fails is logged and recorded,
     * never thrown: the write that triggered it is durable and must not fail or wait for it.
     */
    void maybeStart() {
        int at = st.manifest.autoRefitDocs();
        int live = st.snapshot.count();
        if (at == 0 || st.floats == FloatFormat.NONE || live < Math.max(at, 2L * st.manifest.refitDocs())
                || (running != null && !running.isDone())) {
            return;
        }
        running = refitter.submit(() -> {
            try {
                CollectionRefit.refit(c, RefitOptions.defaults());
            } catch (IOException | RuntimeException e) {
                if (c.isClosed()) {
                    return; // stopped by close(): the next open tries again
                }
                System.getLogger(Collection.class.getName()).log(System.Logger.Level.WARNING, "automatic refit of " + st.dir + " failed: " + e);
                try {
                    synchronized (c) {
                        if (st.failure == null && !c.isClosed()) {
                            c.recordRefit(live); // try again once the collection has doubled
                        }
                    }
                } catch (IOException | RuntimeException again) {
                    System.getLogger(Collection.class.getName()).log(System.Logger.Level.WARNING, "recording the failed refit of " + st.dir + ": " + again);
                }
            }
        });
    }

    /** Waits for a running automatic refit to end (tests; a server never needs to). */
    void await() throws InterruptedException {
        Future<?> f;
        synchronized (c) {
            f = running;
        }
        if (f != null) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.CancellationException ignored) {
                // cancelled by close()
            }
        }
    }

    /** Stops a refit still measuring (at close; one switching holds the lock close() waited for). */
    void stop() { refitter.shutdownNow(); }
}
