package org.bitsieve.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Deletion bitsets. A bitset published in a snapshot is never modified again: a writer that deletes more rows
 * copies it first, so readers need no lock. On disk, one file per segment and manifest generation
 * ({@code seg-N.del-G}): flags 0, count = rows of the segment, a = deleted rows, body = the bitset words.
 */
final class Deletions {
    private Deletions() {}

    static boolean isSet(long[] bits, int row) { return bits != null && ((bits[row >>> 6] >>> row) & 1L) != 0; }

    static long[] withBit(long[] bits, int rows, int row) {
        long[] b = bits == null ? new long[(rows + 63) >>> 6] : bits;
        b[row >>> 6] |= 1L << row;
        return b;
    }

    static int cardinality(long[] bits) {
        if (bits == null) {
            return 0;
        }
        int c = 0;
        for (long w : bits) {
            c += Long.bitCount(w);
        }
        return c;
    }

    static void write(Path path, long[] bits, int rows) throws IOException {
        int words = (rows + 63) >>> 6;
        ByteBuffer b = ByteBuffer.allocate(words * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words; i++) {
            b.putLong(i < bits.length ? bits[i] : 0L);
        }
        StoreFile.write(path, SegmentFiles.DELETES_MAGIC, 0, rows, cardinality(bits), 0, b.array());
    }

    static long[] read(Path path, int rows) throws IOException {
        byte[] body = StoreFile.readBody(path, SegmentFiles.DELETES_MAGIC);
        int words = (rows + 63) >>> 6;
        if (body.length != words * 8) {
            throw new CorruptCollectionException(path, "deletion set has " + body.length + " bytes, expected " + words * 8);
        }
        long[] bits = new long[words];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(bits);
        if (rows % 64 != 0 && words > 0 && (bits[words - 1] >>> (rows % 64)) != 0) {
            throw new CorruptCollectionException(path, "deletion set marks rows past the end of its segment");
        }
        return bits;
    }
}
