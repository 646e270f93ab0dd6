package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Documents, encoder and bytes on disk per part of a collection.")
public final class InfoCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Override
    int run() throws IOException {
        try (Collection c = Collection.open(collection)) {
            print(c.info());
            printCells(c);
        }
        return 0;
    }

    static void print(StoreInfo i) {
        System.out.printf(Locale.ROOT, "documents      %,d (%,d deleted rows awaiting compaction)%n", i.documents(), i.deletedRows());
        System.out.printf(Locale.ROOT, "segments       %d (+ %,d rows in the write-ahead log)%n", i.segments(), i.memtableRows());
        System.out.printf(Locale.ROOT, "encoder        %s%n", i.encoder());
        System.out.printf(Locale.ROOT, "code           %d bits, %d bytes per document%n", i.bits(), (i.bits() + 7) / 8);
        System.out.printf(Locale.ROOT, "float vectors  %s%n", i.floats().name().toLowerCase(Locale.ROOT));
        System.out.println("bytes on disk:");
        for (Map.Entry<String, Long> e : i.bytes().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-10s %,14d  %s%n", e.getKey(), e.getValue(), perDoc(e.getValue(), i.documents()));
        }
        System.out.printf(Locale.ROOT, "  %-10s %,14d  %s%n", "total", i.totalBytes(), perDoc(i.totalBytes(), i.documents()));
        long codes = i.bytes().getOrDefault("codes", 0L);
        System.out.printf(Locale.ROOT, "  %-10s %,14d  %s%s%n", "index", i.indexBytes(), perDoc(i.indexBytes(), i.documents()),
                codes > 0 ? String.format(Locale.ROOT, "  (%.2fx the code bytes; without payloads and float vectors)", (double) i.indexBytes() / codes) : "");
        long f32 = (long) i.documents() * i.dim() * Float.BYTES;
        long rawCodes = (long) i.documents() * ((i.bits() + 7) / 8); // without file headers
        if (f32 > 0) {
            // the comparison a user makes first: is this smaller than just keeping the float vectors?
            System.out.printf(Locale.ROOT, "float32        %,d bytes for the same %,d vectors (%d x 4 bytes each): the whole folder is %.2fx that, "
                    + "the index %.3fx, the codes alone %.3fx (1/%.0f)%n", f32, i.documents(), i.dim(), (double) i.totalBytes() / f32,
                    (double) i.indexBytes() / f32, (double) rawCodes / f32, (double) f32 / rawCodes);
        }
    }

    static void printCells(Collection c) {
        org.bitsieve.store.CellBalance b = c.cellBalance();
        if (b == null) {
            System.out.println("partitioning   none (every search scans all codes)");
            return;
        }
        System.out.printf(Locale.ROOT, "partitioning   %,d coarse cells, %,d projected dimensions; documents per cell min %,d, median %,d, max %,d "
                + "(%,d empty); default nprobe %s%n", b.cells(), c.coarse().projection(), b.min(), b.median(), b.max(), b.empty(),
                c.defaultNprobe() == 0 ? "0 (exact at this size)" : String.valueOf(c.defaultNprobe()));
        org.bitsieve.store.NprobeCalibration cal = c.nprobeCalibration();
        System.out.println("nprobe         " + (cal != null ? cal.describe()
                : "not measured: 3/16 of the cells past 100,000 documents (bitsieve calibrate measures it)"));
    }

    private static String perDoc(long bytes, int docs) {
        return docs == 0 ? "" : String.format(Locale.ROOT, "%8.1f B/doc", (double) bytes / docs);
    }
}
