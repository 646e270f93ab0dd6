package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.ThresholdAdaptation;
import org.bitsieve.core.io.EncoderRefs;

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
    /** Live documents when an adaptation last failed (0: none failed); guarded by the collection's monitor. */
    private int adaptFailedAt;

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

    /**
     * What a long-running host's writes check ({@link Collection#refitIfDue}): below the refit size, a collection that
     * still has the shipped general encoder (or a version of it adapted earlier) adapts its thresholds to its own
     * documents once it holds {@link ThresholdAdaptation#MIN_ROWS}, and again each time it has doubled since (the
     * adapted encoder records how many it saw), as `bitsieve index` does for a new collection: a second or so on the
     * background thread, then the same switch as a refit. The refit's own schedule is left as it was, so the refit
     * still starts at its size. Only here and not at flushes: a one-shot command's final flush must not leave its
     * results to a race with a switch.
     */
    void maybeStartFromHost() {
        int at = st.manifest.autoRefitDocs();
        int live = st.snapshot.count();
        Encoder current = st.encoder;
        int before = ThresholdAdaptation.adaptedRows(current);
        if (at > 0 && live < at && st.floats != FloatFormat.NONE && ThresholdAdaptation.adaptable(current)
                && live >= Math.max(ThresholdAdaptation.MIN_ROWS, Math.max(2L * before, 2L * adaptFailedAt))
                && (before > 0 || EncoderRefs.refOf(current).isPresent()) && (running == null || running.isDone())) {
            running = refitter.submit(() -> {
                try {
                    FloatMatrix sample = CollectionRefit.sample(c.snapshot(), ThresholdAdaptation.SAMPLE, 42);
                    c.switchEncoder(current, ThresholdAdaptation.adapt(current, sample), -1); // the refit's schedule stays
                } catch (IOException | RuntimeException e) {
                    if (!c.isClosed()) {
                        synchronized (c) {
                            adaptFailedAt = live; // not again until the collection has doubled
                        }
                        System.getLogger(Collection.class.getName()).log(System.Logger.Level.WARNING,
                                "adapting the thresholds of " + st.dir + " failed: " + e);
                    }
                }
            });
            return;
        }
        maybeStart();
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
