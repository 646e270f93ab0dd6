package org.bitsieve.spark;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.bitsieve.core.encode.Encoder;

import java.util.List;

/**
 * Precomputed vectors ({@code array<float>} or {@code array<double>}, e.g. a corpus embedded elsewhere) to a binary
 * code column, with the shipped general encoder of a bundled model or a given encoder file. The codes equal the
 * core encoder's ({@code bitsieve encode}) byte for byte: the same {@code encodeInto} runs on the same floats
 * ({@code array<double>} values are narrowed to float first, as the CLI narrows float64 {@code .npy} files).
 *
 * <p>A null vector, a wrong length or a non-finite value fails the job with a {@link RowFailure} naming the row,
 * or, with {@code errorCol} set, leaves the code null and writes the reason there.
 */
public final class VectorsToCodes extends CodeTransformer<VectorsToCodes> {
    private static final long serialVersionUID = 1L;

    public VectorsToCodes() { this(Identifiable$.MODULE$.randomUID("vectorsToCodes")); }

    public VectorsToCodes(String uid) {
        super(uid, "vector");
    }

    public static VectorsToCodes load(String path) { return new DefaultParamsReader<VectorsToCodes>().load(path); }

    @Override
    public StructType transformSchema(StructType schema) {
        int i = fieldIndex(schema, getInputCol(), "inputCol");
        DataType t = schema.fields()[i].dataType();
        if (!(t instanceof ArrayType a) || !(a.elementType() == DataTypes.FloatType || a.elementType() == DataTypes.DoubleType)) {
            throw new IllegalArgumentException("inputCol '" + getInputCol() + "' must be array<float> or array<double>, it is "
                    + t.simpleString());
        }
        return appendOutputs(schema, DataTypes.createStructField(getOutputCol(), DataTypes.BinaryType, true));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        int col = schema.fieldIndex(getInputCol());
        boolean doubles = ((ArrayType) schema.fields()[col].dataType()).elementType() == DataTypes.DoubleType;
        EncoderSource source = encoderSource();
        RowName names = rowName(schema);
        boolean route = routesErrors();
        StructField[] added = route
                ? new StructField[] {DataTypes.createStructField(getOutputCol(), DataTypes.BinaryType, true),
                                     DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true)}
                : new StructField[] {DataTypes.createStructField(getOutputCol(), DataTypes.BinaryType, true)};
        return CodeMapper.append(dataset, added, 1, // one row at a time: nothing to batch, and no row copy
                (rows, partition, first) -> encode(rows, partition, first, col, doubles, source, names, route));
    }

    private static Object[][] encode(List<InternalRow> rows, int partition, long first, int col, boolean doubles,
                                     EncoderSource source, RowName names, boolean route) {
        Encoder enc = source.get();
        int dim = enc.dimension();
        int bits = enc.bits();
        long[] code = new long[enc.words()];
        Object[][] out = new Object[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            InternalRow row = rows.get(r);
            String problem = null;
            float[] v = null;
            if (row.isNullAt(col)) {
                problem = "vector is null";
            } else {
                ArrayData a = row.getArray(col);
                if (a.numElements() != dim) {
                    problem = "vector has length " + a.numElements() + ", the encoder expects " + dim;
                } else {
                    v = doubles ? narrow(a.toDoubleArray()) : a.toFloatArray();
                    problem = check(v, a);
                }
            }
            if (problem != null) {
                String msg = "VectorsToCodes: " + names.of(row, partition, first + r) + ": " + problem;
                if (!route) {
                    throw new RowFailure(msg);
                }
                out[r] = new Object[] {null, UTF8String.fromString(msg)};
                continue;
            }
            enc.encodeInto(v, 0, code, 0);
            byte[] b = CodeBytes.toBytes(code, bits);
            out[r] = route ? new Object[] {b, null} : new Object[] {b};
        }
        return out;
    }

    private static String check(float[] v, ArrayData a) {
        for (int j = 0; j < v.length; j++) {
            if (a.isNullAt(j)) {
                return "vector element " + j + " is null";
            }
            if (!Float.isFinite(v[j])) {
                return "vector element " + j + " is " + v[j] + " (every value must be finite)";
            }
        }
        return null;
    }

    private static float[] narrow(double[] d) {
        float[] f = new float[d.length];
        for (int j = 0; j < d.length; j++) {
            f[j] = (float) d[j];
        }
        return f;
    }
}
