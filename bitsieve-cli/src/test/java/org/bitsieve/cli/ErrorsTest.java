package org.bitsieve.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/** The one line a command prints for an expected failure. */
class ErrorsTest {
    @Test
    void aFullDiskSaysWhatToDo() {
        for (String kernel : new String[] {"No space left on device", "Disk quota exceeded", "File too large"}) {
            String m = Errors.message(new IOException(kernel));
            assertTrue(m.startsWith(kernel) && m.contains("free space and run the command again"), m);
        }
        assertEquals("seg-000001.codes: bad header", Errors.message(new IOException("seg-000001.codes: bad header")));
        assertNull(Errors.message(new NullPointerException("a bug")), "bugs keep their stack trace");
    }
}
