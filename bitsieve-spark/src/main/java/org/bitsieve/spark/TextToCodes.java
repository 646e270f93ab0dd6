package org.bitsieve.spark;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Texts to codes on the executors: each partition is read in batches of {@code batchSize} texts, each batch is
 * embedded in one call by a model session borrowed from the executor's pool ({@link Embedders}: loaded once per
 * JVM and core, reused by every later task), and encoded with the shipped general encoder of the model or a given
 * encoder file. Optionally the vectors are kept ({@code vectorCol}): float16, {@code 2 * dim} bytes little-endian
 * (default), or {@code array<float>} with {@code vectorFormat} f32. A collection is built from the job's output by
 * encoding these vectors again: from f32 its codes are the job's; from f16, about 1% of codes differ from the job's
 * in a bit whose projection lies within float16 rounding of zero (28 of 2,132 MR test texts).
 *
 * <p>With the default batch of 1024 texts (the CLI's chunk: 64 model batches of 16, sorted by length inside), a
 * partition's texts are embedded exactly as {@code bitsieve embed} embeds the same texts in the same order, so
 * the codes equal the CLI's byte for byte; other batchings pad differently and may move a float in its last bits.
 *
 * <p>A null, empty or blank text fails the job with a {@link RowFailure} naming the row, or with {@code errorCol}
 * set gets null outputs and the reason in that column.
 */
public final class TextToCodes extends CodeTransformer<TextToCodes> {
    private static final long serialVersionUID = 1L;

    private final Param<String> vectorCol = new Param<>(this, "vectorCol", "if set, also add the vectors here as float16 (binary)");
    private final Param<String> vectorFormat = new Param<>(this, "vectorFormat",
            "f16: vectorCol is binary float16 (half the bytes); f32: array<float> (a collection built from it has exactly the job's codes)",
            ParamValidators.inArray(new String[] {"f16", "f32"}));
    private final Param<String> role = new Param<>(this, "role", "PASSAGE or QUERY (models with prefixes use it)",
            ParamValidators.inArray(new String[] {"PASSAGE", "QUERY"}));
    private final IntParam batchSize = new IntParam(this, "batchSize", "texts per embedding call inside a partition",
            ParamValidators.gtEq(1));
    private final IntParam embedBatch = new IntParam(this, "embedBatch", "texts per model batch (padding unit)",
            ParamValidators.gtEq(1));
    private final IntParam embedThreads = new IntParam(this, "embedThreads",
            "ONNX Runtime threads per model session (one session per running task)", ParamValidators.gtEq(1));

    public TextToCodes() { this(Identifiable$.MODULE$.randomUID("textToCodes")); }

    public TextToCodes(String uid) {
        super(uid, "text");
        setDefault(vectorCol, "");
        setDefault(vectorFormat, "f16");
        setDefault(role, "PASSAGE");
        setDefault(batchSize, 1024);
        setDefault(embedBatch, EmbedOptions.DEFAULT_BATCH_SIZE);
        setDefault(embedThreads, 1);
    }

    public static TextToCodes load(String path) { return new DefaultParamsReader<TextToCodes>().load(path); }

    public Param<String> vectorCol() { return vectorCol; }

    public Param<String> vectorFormat() { return vectorFormat; }

    public Param<String> role() { return role; }

    public IntParam batchSize() { return batchSize; }

    public IntParam embedBatch() { return embedBatch; }

    public IntParam embedThreads() { return embedThreads; }

    public TextToCodes setVectorCol(String v) { set(vectorCol, v); return this; }

    public TextToCodes setVectorFormat(String v) { set(vectorFormat, v); return this; }

    public String getVectorFormat() { return $(vectorFormat); }

    public TextToCodes setRole(String v) { set(role, v); return this; }

    public TextToCodes setBatchSize(int v) { set(batchSize, v); return this; }

    public TextToCodes setEmbedBatch(int v) { set(embedBatch, v); return this; }

    public TextToCodes setEmbedThreads(int v) { set(embedThreads, v); return this; }

    public String getVectorCol() { return $(vectorCol); }

    private StructField[] outputs() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField(getOutputCol(), DataTypes.BinaryType, true));
        if (!getVectorCol().isEmpty()) {
            f.add(DataTypes.createStructField(getVectorCol(), getVectorFormat().equals("f32")
                    ? DataTypes.createArrayType(DataTypes.FloatType, false) : DataTypes.BinaryType, true));
        }
        return f.toArray(new StructField[0]);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        int i = fieldIndex(schema, getInputCol(), "inputCol");
        if (!(schema.fields()[i].dataType() instanceof StringType)) {
            throw new IllegalArgumentException("inputCol '" + getInputCol() + "' must be a string column, it is "
                    + schema.fields()[i].dataType().simpleString());
        }
        return appendOutputs(schema, outputs());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        StructType out = transformSchema(schema);
        StructField[] added = Arrays.copyOfRange(out.fields(), schema.size(), out.size());
        Job job = new Job(schema.fieldIndex(getInputCol()), encoderSource(), rowName(schema), routesErrors(),
                !getVectorCol().isEmpty(), getVectorFormat().equals("f32"), getModel(), TextRole.valueOf($(role)), (Integer) $(embedThreads), (Integer) $(embedBatch));
        return CodeMapper.append(dataset, added, (Integer) $(batchSize), job::run);
    }

    /** What a task needs, resolved on the driver (serializable, small). */
    private record Job(int col, EncoderSource encoder, RowName names, boolean route, boolean vectors, boolean f32, String model,
                       TextRole role, int threads, int embedBatch) implements java.io.Serializable {
        Object[][] run(List<InternalRow> rows, int partition, long first) {
            int width = 1 + (vectors ? 1 : 0) + (route ? 1 : 0);
            Object[][] out = new Object[rows.size()][];
            List<String> texts = new ArrayList<>(rows.size());
            int[] at = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                InternalRow row = rows.get(r);
                String t = row.isNullAt(col) ? null : row.getUTF8String(col).toString();
                String problem = t == null ? "text is null" : t.isBlank() ? "text is " + (t.isEmpty() ? "empty" : "blank") : null;
                if (problem != null) {
                    String msg = "TextToCodes: " + names.of(row, partition, first + r) + ": " + problem + "; every text must have content";
                    if (!route) {
                        throw new RowFailure(msg);
                    }
                    out[r] = new Object[width];
                    out[r][width - 1] = UTF8String.fromString(msg);
                    continue;
                }
                at[texts.size()] = r;
                texts.add(t);
            }
            if (texts.isEmpty()) {
                return out;
            }
            Encoder enc = encoder.get();
            FloatMatrix m;
            TextEmbedder e = Embedders.borrow(model, threads, embedBatch);
            try {
                if (e.dimension() != enc.dimension()) {
                    throw new IllegalArgumentException("model " + model + " makes " + e.dimension() + "-d vectors but the encoder ("
                            + encoder.key() + ") takes " + enc.dimension() + "-d");
                }
                m = e.embedAll(texts, role, (done, total) -> { });
            } catch (RuntimeException x) {
                throw new RowFailure("TextToCodes: embedding the batch of rows " + names.of(rows.get(at[0]), partition, first + at[0])
                        + " .. " + names.of(rows.get(at[texts.size() - 1]), partition, first + at[texts.size() - 1]) + " failed: " + x.getMessage(), x);
            } finally {
                Embedders.release(model, threads, embedBatch, e);
            }
            long[] code = new long[enc.words()];
            for (int i = 0; i < texts.size(); i++) {
                enc.encodeInto(m.data(), m.offset(i), code, 0);
                Object[] o = new Object[width];
                o[0] = CodeBytes.toBytes(code, enc.bits());
                if (vectors) {
                    o[1] = f32 ? UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(m.data(), m.offset(i), m.offset(i) + m.dim()))
                            : CodeBytes.halfBytes(m.data(), m.offset(i), m.dim());
                }
                out[at[i]] = o;
            }
            return out;
        }
    }
}
