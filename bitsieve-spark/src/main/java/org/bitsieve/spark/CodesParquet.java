package org.bitsieve.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;

/**
 * The Parquet layout a job writes for collections, and how it is written.
 *
 * <pre>
 *   id        string   not null   given id column (as text) or DocIds.ofText(text)
 *   code      binary   not null   ceil(bits/8) bytes, see CodeBytes
 *   vector    binary   nullable   float16 little-endian (vectorFormat f16) - or array&lt;float&gt; (f32)
 *   text      string   nullable
 *   metadata  string   nullable   a JSON object, e.g. {"label":"pos"}
 *   _SUCCESS               written by Spark's committer when the whole job committed
 *   _bitsieve.json         written after the commit: encoder key, bits, dimension, vector format, rows
 *   _bitsieve_encoder.bse  the encoder that made the codes (the collection is created with it)
 * </pre>
 *
 * The output is written with {@link SaveMode#Overwrite} through Spark's file commit protocol: task attempts write
 * to temporary folders and only the attempt that commits is moved into place at job commit, so a killed or retried
 * task leaves nothing behind, and a job that dies leaves no {@code _SUCCESS}. {@link ParquetIndexer} refuses an
 * output without both markers. Files starting with {@code _} are ignored by Parquet readers.
 */
public final class CodesParquet implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String META = "_bitsieve.json";
    public static final String ENCODER = "_bitsieve_encoder.bse";
    public static final String SUCCESS = "_SUCCESS";

    private String idCol = "";
    private String textCol = "text";
    private String codeCol = "code";
    private String vectorCol = "";
    private String vectorFormat = "f16";
    private final List<String> metadataCols = new ArrayList<>();

    /** Column whose value (as text) is the document id; without it the id is {@link DocIds#ofText} of the text. */
    public CodesParquet idCol(String c) { idCol = c; return this; }

    /** Text column ("" for none; then an id column is required). */
    public CodesParquet textCol(String c) { textCol = c; return this; }

    public CodesParquet codeCol(String c) { codeCol = c; return this; }

    /** Vector column: float16 binary (TextToCodes' vectorCol, format f16) or array&lt;float&gt; (format f32). */
    public CodesParquet vectorCol(String c, String format) {
        if (!format.equals("f16") && !format.equals("f32")) {
            throw new IllegalArgumentException("vector format must be f16 or f32, got " + format);
        }
        vectorCol = c;
        vectorFormat = format;
        return this;
    }

    /** Columns gathered into the metadata JSON object (e.g. "label"). */
    public CodesParquet metadataCols(String... cols) { metadataCols.addAll(List.of(cols)); return this; }

    /** The frame in the layout above (rows with a null code, i.e. routed errors, are left out). */
    public Dataset<Row> layout(Dataset<Row> coded) {
        if (idCol.isEmpty() && textCol.isEmpty()) {
            throw new IllegalArgumentException("documents need ids: give an id column or a text column to hash");
        }
        Column id = idCol.isEmpty()
                ? udf((UDF1<String, String>) t -> t == null ? null : DocIds.ofText(t), DataTypes.StringType).apply(col(textCol))
                : col(idCol).cast(DataTypes.StringType);
        Column vector = vectorCol.isEmpty() ? lit(null).cast(DataTypes.BinaryType) : col(vectorCol);
        Column text = textCol.isEmpty() ? lit(null).cast(DataTypes.StringType) : col(textCol);
        Column meta = metadataCols.isEmpty() ? lit(null).cast(DataTypes.StringType)
                : to_json(struct(metadataCols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)));
        return coded.where(col(codeCol).isNotNull())
                .select(id.as("id"), col(codeCol).as("code"), vector.as("vector"), text.as("text"), meta.as("metadata"));
    }

    /**
     * Writes the layout to {@code dir} (a path on the driver's file system or any Hadoop file system; the markers
     * are written with java.nio, so use a local or mounted path for them) and returns the number of rows.
     */
    public long write(Dataset<Row> coded, EncoderSource encoder, String dir) throws IOException {
        Dataset<Row> out = layout(coded);
        Path d = Path.of(dir);
        Files.deleteIfExists(d.resolve(META)); // a rerun's output is not complete until its own marker is written
        out.write().mode(SaveMode.Overwrite).parquet(dir);
        long rows = coded.sparkSession().read().parquet(dir).count();
        Encoder e = encoder.get();
        AtomicFiles.write(d.resolve(ENCODER), os -> os.write(encoder.bytes()));
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("format", 1).put("encoder", encoder.key()).put("encoderFingerprint", Long.toHexString(EncoderFiles.fingerprint(e)))
                .put("bits", e.bits()).put("dimension", e.dimension()).put("vectorFormat", vectorCol.isEmpty() ? "none" : vectorFormat)
                .put("rows", rows);
        byte[] json = m.toPrettyString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(d.resolve(META), os -> os.write(json));
        return rows;
    }
}
