package org.bitsieve.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The child of {@link DiskFullTest}, run under {@code ulimit -f}: writes until files reach the limit and prints what
 * happened, one line per step, then halts without closing (as after a crash). Steps: 60 batches of 10 (a memtable of
 * 100 flushes every 10 batches, so no file nears the limit); a compaction, whose merged segment passes it; a batch;
 * a batch too large for the log's limit; a batch; the count of temp files left in the folder.
 */
public final class DiskFullWriter {
    private DiskFullWriter() {}

    static WriteBatch batch(int n, int docs, int textChars) {
        WriteBatch b = new WriteBatch();
        for (int i = 0; i < docs; i++) {
            long s = n * 1000L + i;
            b.add(new Doc("b" + n + "-" + i, TestVectors.vector(s), "t".repeat(textChars), "{\"batch\":" + n + "}"));
        }
        return b;
    }

    private static void step(String name, IoStep s) {
        try {
            s.run();
            System.out.println(name + " ok");
        } catch (IOException | RuntimeException e) {
            System.out.println(name + " failed: " + e.getMessage());
        }
        System.out.flush();
    }

    private interface IoStep {
        void run() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Collection c = Collection.open(dir);
        for (int n = 0; n < 60; n++) {
            int batch = n;
            step("ACK " + n, () -> c.write(batch(batch, 10, 20)));
        }
        step("COMPACT", c::compact);
        step("ACK 60", () -> c.write(batch(60, 10, 20)));
        step("BIG 61", () -> c.write(batch(61, 60, 2000)));
        step("ACK 62", () -> c.write(batch(62, 10, 20)));
        try (Stream<Path> s = Files.list(dir)) {
            System.out.println("TEMP " + s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
        System.out.flush();
        Runtime.getRuntime().halt(0); // no close: the next open replays the log as after a crash
    }
}
