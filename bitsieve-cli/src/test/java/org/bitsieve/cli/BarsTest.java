package org.bitsieve.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BarsTest {
    /** Into a file or pipe a bar writes whole lines, no carriage returns, and its final state once; it never moves back. */
    @Test
    void notOnATerminalTheBarWritesPlainLines() {
        String before = System.getProperty("bitsieve.interactive");
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setProperty("bitsieve.interactive", "false");
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try (Bars.Bar bar = new Bars.Bar("embed test", 3, "texts", false)) {
            for (int i = 1; i <= 3; i++) {
                bar.update(i, 3);
            }
            bar.update(2, 3); // a parallel worker reporting late: the bar stays at 3 of 3
        } finally {
            System.setErr(err);
            if (before == null) {
                System.clearProperty("bitsieve.interactive");
            } else {
                System.setProperty("bitsieve.interactive", before);
            }
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        assertTrue(out.endsWith("\n"), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("embed test 100%") && l.contains("3/3 texts")).count(), out);
        assertTrue(out.lines().allMatch(l -> l.startsWith("embed test ")), out);
    }
}
