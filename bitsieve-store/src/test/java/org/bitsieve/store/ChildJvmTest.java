package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Regression test for the CrashTest flake "acknowledged bN-0 is missing": killing the writer with
 * {@code Process.destroyForcibly()} closed the pipe its "ACK n" lines were in, so acknowledgements the writer had
 * printed but the test had not read yet were lost, the test then took an applied batch for one that never
 * happened and expected rows that batch had (correctly) deleted. Here the reader lags behind deterministically:
 * it starts only after the child has written every line and the child has been killed.
 */
class ChildJvmTest {
    static final int LINES = 2_000; // ~18 KB: fits in a pipe buffer (64 KB on Linux), so the child never blocks

    @TempDir
    Path tmp;

    @Test
    void killKeepsEveryLineTheChildWroteBeforeDying() throws Exception {
        Path done = tmp.resolve("done");
        ChildJvm child = ChildJvm.start(Printer.class, done.toString());
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(done) && child.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(done), "the child did not finish printing");
        assertTrue(child.isAlive(), "the child must still be running when it is killed");
        List<String> lines = child.kill();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            expected.add("ACK " + i);
        }
        assertEquals(expected, lines);
        assertFalse(child.isAlive());
    }

    /** Prints LINES acknowledgements, then marks a file and waits to be killed. */
    public static final class Printer {
        public static void main(String[] args) throws Exception {
            for (int i = 0; i < LINES; i++) {
                System.out.println("ACK " + i);
            }
            System.out.flush();
            Files.createFile(Path.of(args[0]));
            Thread.sleep(120_000);
        }
    }
}
