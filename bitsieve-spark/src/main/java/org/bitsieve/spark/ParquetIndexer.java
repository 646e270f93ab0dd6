package org.bitsieve.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns a committed {@link CodesParquet} output into one bitsieve collection, or into N shard collections
 * ({@code COLL/shard-000 .. shard-N-1}, the shard of a document being {@link DocIds#shard}), on the driver.
 *
 * <p>Idempotent by construction: documents are upserted by their deterministic id, so ids repeated in the output
 * (a text that occurs twice, a rerun job) end as one document, and indexing the same output again changes nothing.
 * A new target is built in a sibling {@code .incomplete} folder and moved into place in one rename when every row
 * is in, so a server never opens a half-built collection and an indexer killed midway leaves only that folder,
 * which the next run deletes and rebuilds. An existing target is updated by upsert batches, each durable on its
 * own; a killed run is finished by running it again.
 *
 * <p>The store encodes the vectors it is given with the job's encoder (it is created with the output's
 * {@code _bitsieve_encoder.bse}), so the output must carry vectors. With f32 vectors the collection's codes equal
 * the job's; with f16 vectors they are the codes of the float16-rounded vectors, which can differ from the job's
 * code in a bit whose projection lies within float16 rounding of zero ({@link Result#codeMismatches} counts them).
 */
public final class ParquetIndexer {
    /** Documents per upsert batch. */
    private int chunk = 8192;
    private int shards = 1;
    private FloatFormat floats = FloatFormat.NONE;

    public ParquetIndexer shards(int n) {
        if (n < 1 || n > 4096) {
            throw new IllegalArgumentException("shards must be in 1..4096, got " + n);
        }
        shards = n;
        return this;
    }

    /** Whether the collection keeps the float vectors for re-ranking (none, f16, f32). */
    public ParquetIndexer floats(FloatFormat f) { floats = f; return this; }

    public ParquetIndexer chunk(int n) { chunk = n; return this; }

    /** @param rows rows read from the output; docs live documents in the target(s) afterwards */
    public record Result(long rows, long docs, long codeMismatches, List<Path> collections) {}

    public Result index(SparkSession spark, Path parquet, Path target) throws IOException {
        JsonNode meta = committedMeta(parquet);
        if ("none".equals(meta.path("vectorFormat").asText())) {
            throw new IllegalArgumentException(parquet + " holds codes without vectors; a collection encodes the vectors it stores, "
                    + "so write the output with a vector column (TextToCodes.setVectorCol, CodesParquet.vectorCol)");
        }
        Encoder enc = EncoderFiles.fromBytes(Files.readAllBytes(parquet.resolve(CodesParquet.ENCODER)), parquet.resolve(CodesParquet.ENCODER));
        boolean f16 = "f16".equals(meta.path("vectorFormat").asText());
        boolean fresh = !Files.exists(target);
        Path build = fresh ? target.resolveSibling(target.getFileName() + ".incomplete") : target;
        if (fresh) {
            deleteTree(build); // what a killed earlier run left
        } else if (Collection.exists(target) != (shards == 1)) {
            throw new IllegalArgumentException(target + (shards == 1 ? " holds shard folders, not one collection: give --shards as when it was built"
                    : " is one collection, not shards: index without --shards, or into a new folder"));
        }
        List<Path> dirs = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            dirs.add(shards == 1 ? build : build.resolve(String.format(Locale.ROOT, "shard-%03d", s)));
        }
        List<Collection> cols = new ArrayList<>();
        long rows = 0;
        long mismatches = 0;
        try {
            for (Path d : dirs) {
                Collection c = Collection.exists(d) ? Collection.open(d)
                        : Collection.create(d, enc, CollectionOptions.defaults().withFloats(floats));
                cols.add(c);
                if (EncoderFiles.fingerprint(c.encoder()) != EncoderFiles.fingerprint(enc)) {
                    throw new IllegalArgumentException(d + " was made with another encoder (" + c.encoder().describe()
                            + ") than the job's output (" + meta.path("encoder").asText() + ")");
                }
            }
            List<List<Doc>> pending = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                pending.add(new ArrayList<>());
            }
            long[] code = new long[enc.words()];
            Iterator<Row> it = spark.read().parquet(parquet.toString()).select("id", "code", "vector", "text", "metadata").toLocalIterator();
            while (it.hasNext()) {
                Row r = it.next();
                String id = r.getString(0);
                float[] v = f16 ? CodeBytes.fromHalfBytes((byte[]) r.get(2)) : toFloats(r.getList(2));
                enc.encodeInto(v, 0, code, 0);
                if (!java.util.Arrays.equals(CodeBytes.toBytes(code, enc.bits()), (byte[]) r.get(1))) {
                    mismatches++;
                }
                int s = shards == 1 ? 0 : DocIds.shard(id, shards);
                pending.get(s).add(new Doc(id, v, r.isNullAt(3) ? null : r.getString(3), r.isNullAt(4) ? null : r.getString(4)));
                if (pending.get(s).size() >= chunk) {
                    cols.get(s).upsert(pending.get(s));
                    pending.get(s).clear();
                }
                rows++;
            }
            long docs = 0;
            for (int s = 0; s < shards; s++) {
                cols.get(s).upsert(pending.get(s));
                cols.get(s).flush();
                docs += cols.get(s).count();
            }
            closeAll(cols);
            cols.clear();
            if (fresh) {
                Files.move(build, target, StandardCopyOption.ATOMIC_MOVE);
            }
            List<Path> out = new ArrayList<>();
            for (Path d : dirs) {
                out.add(target.resolve(build.relativize(d)));
            }
            return new Result(rows, docs, mismatches, out);
        } finally {
            closeAll(cols);
        }
    }

    /** The output's metadata, after checking that the job committed and its marker was written. */
    static JsonNode committedMeta(Path parquet) throws IOException {
        if (!Files.isDirectory(parquet)) {
            throw new java.nio.file.NoSuchFileException(parquet.toString(), null, "Parquet output folder not found");
        }
        if (!Files.exists(parquet.resolve(CodesParquet.SUCCESS))) {
            throw new IllegalArgumentException(parquet + " has no _SUCCESS marker: the job that wrote it did not commit (killed or "
                    + "failed). Rerun the job; its output replaces this one.");
        }
        if (!Files.exists(parquet.resolve(CodesParquet.META)) || !Files.exists(parquet.resolve(CodesParquet.ENCODER))) {
            throw new IllegalArgumentException(parquet + " has no " + CodesParquet.META + " / " + CodesParquet.ENCODER
                    + ": the job stopped after Spark's commit but before bitsieve's marker. Rerun the job.");
        }
        return new ObjectMapper().readTree(parquet.resolve(CodesParquet.META).toFile());
    }

    private static float[] toFloats(List<Object> l) {
        float[] v = new float[l.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = ((Number) l.get(j)).floatValue();
        }
        return v;
    }

    private static void closeAll(List<Collection> cols) throws IOException {
        IOException first = null;
        for (Collection c : cols) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /** Every live id in the given collections (tests check completeness and duplicates with it). */
    static Set<String> ids(List<Path> collections) throws IOException {
        Set<String> out = new HashSet<>();
        for (Path p : collections) {
            try (Collection c = Collection.open(p)) {
                c.snapshot().forEachId(out::add);
            }
        }
        return out;
    }
}
