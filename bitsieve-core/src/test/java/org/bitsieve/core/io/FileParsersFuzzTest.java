package org.bitsieve.core.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bitsieve.core.io.fuzz.Mutator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the file readers with mutations of the seed corpus under {@code src/test/resources/fuzz/<target>/}. The
 * property: a reader returns a value or throws an {@link IOException} (its documented failure, usually
 * {@link FileFormatException}) with a message; never an unchecked exception, and never an OutOfMemoryError from a
 * huge declared length. Tries per property come from {@code junit-platform.properties} (a few seconds in CI);
 * {@code -Djqwik.tries.default=100000} runs longer (docs/formats.md).
 */
class FileParsersFuzzTest {
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

    private static Arbitrary<byte[]> mutated(String target, java.util.function.UnaryOperator<byte[]> fixup) {
        List<byte[]> seeds = Mutator.corpus(FileParsersFuzzTest.class, target);
        return Arbitraries.randomValue(r -> Mutator.mutate(seeds, r, fixup));
    }

    @Provide
    Arbitrary<byte[]> npy() { return mutated("npy", null); }

    @Provide
    Arbitrary<byte[]> fvecs() { return mutated("fvecs", null); }

    @Provide
    Arbitrary<byte[]> encoders() { return mutated("encoder", FileParsersFuzzTest::fixEncoderCrc); }

    @Provide
    Arbitrary<byte[]> codes() { return mutated("codes", FileParsersFuzzTest::fixCodesCrcs); }

    @Property
    void npyReaderFailsOnlyWithIoExceptions(@ForAll("npy") byte[] input) throws IOException {
        check(input, "x.npy", Npy::read);
    }

    @Property
    void fvecsReaderFailsOnlyWithIoExceptions(@ForAll("fvecs") byte[] input) throws IOException {
        check(input, "x.fvecs", Fvecs::read);
    }

    @Property
    void encoderLoaderFailsOnlyWithIoExceptions(@ForAll("encoders") byte[] input) throws IOException {
        check(input, "x.bse", EncoderFiles::load);
    }

    @Property
    void codesReaderFailsOnlyWithIoExceptions(@ForAll("codes") byte[] input) throws IOException {
        check(input, "x.bsc", CodesFile::read);
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
