package org.bitsieve.core.io;

import org.bitsieve.core.io.fuzz.FuzzLoop;
import org.bitsieve.core.io.fuzz.Mutator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the file readers with mutations of the seed corpus under {@code src/test/resources/fuzz/<target>/}. The
 * property: a reader returns a value or throws an {@link IOException} (its documented failure, usually
 * {@link FileFormatException}) with a message; never an unchecked exception, and never an OutOfMemoryError from a
 * huge declared length. Each test runs {@link #CI_TRIES} seeded tries in CI (a few seconds);
 * {@code -Dbitsieve.fuzz.tries=100000} runs longer, a failure prints the seed to replay it ({@link FuzzLoop},
 * docs/formats.md).
 */
class FileParsersFuzzTest {
    /** Tries per test in CI (a few seconds; the count the fuzz tests have always run in CI). */
    static final int CI_TRIES = 1000;
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("bitsieve-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Reader {
        Object read(Path p) throws IOException;
    }

    private static void check(byte[] input, String name, Reader reader) throws IOException {
        Path p = DIR.resolve(name);
        Files.write(p, input);
        try {
            assertNotNull(reader.read(p));
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an IOException without a message: " + e);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new AssertionError("the reader threw " + e + " on " + input.length + " bytes: "
                    + java.util.HexFormat.of().formatHex(input, 0, Math.min(input.length, 96)), e);
        }
    }

    /** Tries of {@code reader} on mutations of the seeds of {@code target}, fixed up by {@code fixup} (or null). */
    private static void fuzz(String test, String target, UnaryOperator<byte[]> fixup, String file, Reader reader) {
        List<byte[]> seeds = Mutator.corpus(FileParsersFuzzTest.class, target);
        FuzzLoop.run(test, CI_TRIES, r -> check(Mutator.mutate(seeds, r, fixup), file, reader));
    }

    @Test
    void npyReaderFailsOnlyWithIoExceptions() {
        fuzz("npyReaderFailsOnlyWithIoExceptions", "npy", null, "x.npy", Npy::read);
    }

    @Test
    void fvecsReaderFailsOnlyWithIoExceptions() {
        fuzz("fvecsReaderFailsOnlyWithIoExceptions", "fvecs", null, "x.fvecs", Fvecs::read);
    }

    @Test
    void encoderLoaderFailsOnlyWithIoExceptions() {
        fuzz("encoderLoaderFailsOnlyWithIoExceptions", "encoder", FileParsersFuzzTest::fixEncoderCrc, "x.bse", EncoderFiles::load);
    }

    @Test
    void codesReaderFailsOnlyWithIoExceptions() {
        fuzz("codesReaderFailsOnlyWithIoExceptions", "codes", FileParsersFuzzTest::fixCodesCrcs, "x.bsc", CodesFile::read);
    }

    /** The encoder file ends with the CRC-32C of every byte before it. */
    static byte[] fixEncoderCrc(byte[] b) {
        if (b.length < 4) {
            return b;
        }
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.getValue());
        return b;
    }

    /** The codes file has a header CRC after 36 bytes and a data CRC at the end. */
    static byte[] fixCodesCrcs(byte[] b) {
        int h = CodesFile.HEADER;
        if (b.length < h + 8) {
            return b;
        }
        CRC32C c = new CRC32C();
        c.update(b, 0, h);
        ByteBuffer.wrap(b, h, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.getValue());
        CRC32C d = new CRC32C();
        d.update(b, h + 4, b.length - h - 8);
        ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) d.getValue());
        return b;
    }
}
