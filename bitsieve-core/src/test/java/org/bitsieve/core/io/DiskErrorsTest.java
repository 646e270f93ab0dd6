package org.bitsieve.core.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.*;

class DiskErrorsTest {
    @Test
    void findsTheKernelsWordsInTheCauses() {
        assertEquals("No space left on device", DiskErrors.outOfSpace(new IOException("No space left on device")));
        assertEquals("File too large", DiskErrors.outOfSpace(new UncheckedIOException("writing seg-000002.codes",
                new IOException("File too large"))));
        assertEquals("Disk quota exceeded", DiskErrors.outOfSpace(new IOException("/d/wal-000001.log: Disk quota exceeded")));
        assertNull(DiskErrors.outOfSpace(new IOException("seg-000001.codes: bad header")));
        assertNull(DiskErrors.outOfSpace(new IOException((String) null)));
    }
}
