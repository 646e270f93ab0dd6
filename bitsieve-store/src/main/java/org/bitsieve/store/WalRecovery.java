package org.bitsieve.store;

import org.bitsieve.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The log's recovery policy, in RocksDB's terms "tolerate a corrupted tail, absolute consistency otherwise":
 * <ul>
 *   <li>every record verifies and sequences run 1, 2, 3...: clean;</li>
 *   <li>the bytes after the last intact record do not form an intact record (what a crash mid-append leaves):
 *       a torn tail. They are copied to {@code quarantine/} (fsynced) before the log is truncated, and a warning
 *       names the file, offset, bytes and record headers discarded. This is also what damage inside the last
 *       record, or a truncation, looks like: such damage cannot be told from a torn write;</li>
 *   <li>anything else (a damaged range followed by an intact record, a sequence gap or repeat): the collection
 *       refuses to open with a {@link CorruptCollectionException} naming the file and byte offset;
 *       {@code bitsieve repair} salvages the intact records.</li>
 * </ul>
 */
final class WalRecovery {
    static final System.Logger LOG = System.getLogger("org.bitsieve.store");
    static final String QUARANTINE = "quarantine";

    private WalRecovery() {}

    /**
     * Judges a scan for opening: returns the records to replay and the offset to truncate at ({@code size} when
     * clean); throws when the log is damaged beyond a torn tail.
     */
    static long check(WalScan.Result r) throws CorruptCollectionException {
        WalScan.Damage tail = r.tail();
        for (WalScan.Damage d : r.damage()) {
            if (d != tail) {
                throw new CorruptCollectionException(r.path(), "damaged at byte " + d.offset() + " (" + d.reason() + "; "
                        + (d.end() - d.offset()) + " bytes) and an intact record follows at byte " + d.end()
                        + ": this is not a torn write; acknowledged writes would be lost, so the collection is not opened."
                        + " Run `bitsieve repair` to salvage the intact records");
            }
        }
        String gap = sequenceProblem(r.records());
        if (gap != null) {
            throw new CorruptCollectionException(r.path(), gap + ": a record is missing or repeated, so the log is damaged."
                    + " Run `bitsieve repair` to salvage the intact records");
        }
        return tail == null ? r.size() : tail.offset();
    }

    /** The first record whose sequence is not the previous one plus 1 (starting at 1), described; or null. */
    static String sequenceProblem(List<WalScan.Record> records) {
        long expect = 1;
        for (WalScan.Record rec : records) {
            if (rec.seq() != expect) {
                return "record at byte " + rec.offset() + " has sequence " + rec.seq() + ", expected " + expect;
            }
            expect++;
        }
        return null;
    }

    /**
     * Keeps a torn tail aside, then truncates it: the bytes go to {@code quarantine/<log>.tail-<offset>} in the
     * collection folder (fsynced, with the folder) before the log loses them, and a warning says so.
     */
    static Path quarantineTail(Path dir, WalScan.Result r, FileChannel ch) throws IOException {
        WalScan.Damage tail = r.tail();
        int headers = WalScan.headersIn(r, tail, ch);
        Path saved = keepAside(dir, ch, r.path(), tail.offset(), r.size(), ".tail-" + tail.offset());
        ch.truncate(tail.offset());
        ch.force(true);
        LOG.log(System.Logger.Level.WARNING, r.path() + ": discarded a torn tail at byte " + tail.offset() + ": "
                + (r.size() - tail.offset()) + " bytes (" + tail.reason() + "; " + headers + " record header(s) in it), after "
                + r.records().size() + " intact record(s) that were replayed; the bytes are kept in " + saved
                + ". A crash during a write leaves this; if the process did not crash, the log was damaged or truncated"
                + " and the last batch(es) in it were lost");
        return saved;
    }

    /** Copies bytes [from, to) of a file into the collection's quarantine folder, durably; returns the copy's path. */
    static Path keepAside(Path dir, FileChannel ch, Path file, long from, long to, String suffix) throws IOException {
        Path q = dir.resolve(QUARANTINE);
        Files.createDirectories(q);
        Path out = copyInto(q, ch, file, from, to, suffix);
        AtomicFiles.fsyncDirectory(dir);
        return out;
    }

    /** Copies bytes [from, to) of a file into folder {@code q} (fsynced, with the folder); returns the copy's path. */
    static Path copyInto(Path q, FileChannel ch, Path file, long from, long to, String suffix) throws IOException {
        Files.createDirectories(q);
        Path out = q.resolve(file.getFileName() + suffix);
        for (int i = 1; Files.exists(out); i++) {
            out = q.resolve(file.getFileName() + suffix + "." + i);
        }
        try (FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            for (long p = from; p < to; ) {
                b.clear();
                b.limit((int) Math.min(b.capacity(), to - p));
                StoreFile.readFully(ch, b, p, file);
                b.flip();
                p += b.remaining();
                while (b.hasRemaining()) {
                    o.write(b);
                }
            }
            o.force(true);
        }
        AtomicFiles.fsyncDirectory(q);
        return out;
    }
}
