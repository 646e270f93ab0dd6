package org.bitsieve.spark;

import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextEmbedder;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model sessions kept for the life of the executor JVM. A {@link TextEmbedder} is not thread-safe, and an
 * executor runs one task per core at once, so this is a pool: a task borrows a session (opening one only when all
 * are busy) and returns it, and the next task reuses it. An executor of C cores therefore loads the model at most C
 * times in its life, never once per task or per partition. Each session runs ONNX Runtime with
 * {@code embedThreads} intra-op threads (default 1: Spark already runs one task per core).
 */
final class Embedders {
    private static final Map<String, Queue<TextEmbedder>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    private Embedders() {}

    static String key(String model, int threads, int batch) { return model + "|" + threads + "|" + batch; }

    static TextEmbedder borrow(String model, int threads, int batch) {
        TextEmbedder e = IDLE.computeIfAbsent(key(model, threads, batch), k -> new ConcurrentLinkedQueue<>()).poll();
        if (e != null) {
            return e;
        }
        OPENED.incrementAndGet();
        return Models.open(model, EmbedOptions.defaults().withThreads(threads).withBatchSize(batch));
    }

    static void release(String model, int threads, int batch, TextEmbedder e) {
        IDLE.get(key(model, threads, batch)).offer(e);
    }

    /** Model sessions opened by this JVM so far (tests check reuse across tasks). */
    static int opened() { return OPENED.get(); }
}
