package org.bitsieve.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;

import java.util.Arrays;

/**
 * The parameters every code transformer shares, in Spark ML's style (a {@link Param} per setting, a public
 * accessor returning it so {@code Params.params} finds it by reflection, fluent setters, defaults via
 * {@code setDefault}). Persisted with {@link DefaultParamsWritable}; PySpark wraps a subclass as a
 * {@code JavaTransformer} (see docs/spark.md).
 */
public abstract class CodeTransformer<T extends CodeTransformer<T>> extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    protected final Param<String> inputCol;
    protected final Param<String> outputCol;
    protected final Param<String> errorCol;
    protected final Param<String> idCol;
    protected final Param<String> model;
    protected final IntParam bits;
    protected final Param<String> encoderPath;

    protected CodeTransformer(String uid, String defaultInput) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "input column");
        outputCol = new Param<>(this, "outputCol", "code column to add (binary, ceil(bits/8) bytes)");
        errorCol = new Param<>(this, "errorCol", "if set, a bad row gets a null code and its error text in this "
                + "string column instead of failing the job");
        idCol = new Param<>(this, "idCol", "optional column whose value names a row in error messages");
        model = new Param<>(this, "model", "bundled embedding model whose shipped general encoder is used");
        bits = new IntParam(this, "bits", "code length of the shipped general encoder (128, 256, 512)",
                ParamValidators.inArray(new int[] {128, 256, 512}));
        encoderPath = new Param<>(this, "encoderPath", "encoder file (.bse) read on the driver; overrides model/bits");
        setDefault(inputCol, defaultInput);
        setDefault(outputCol, "code");
        setDefault(errorCol, "");
        setDefault(idCol, "");
        setDefault(model, Models.DEFAULT);
        setDefault(bits, GeneralEncoders.DEFAULT_BITS);
        setDefault(encoderPath, "");
    }

    @SuppressWarnings("unchecked")
    private T self() { return (T) this; }

    @Override
    public String uid() { return uid; }

    public Param<String> inputCol() { return inputCol; }

    public Param<String> outputCol() { return outputCol; }

    public Param<String> errorCol() { return errorCol; }

    public Param<String> idCol() { return idCol; }

    public Param<String> model() { return model; }

    public IntParam bits() { return bits; }

    public Param<String> encoderPath() { return encoderPath; }

    public T setInputCol(String v) { set(inputCol, v); return self(); }

    public T setOutputCol(String v) { set(outputCol, v); return self(); }

    public T setErrorCol(String v) { set(errorCol, v); return self(); }

    public T setIdCol(String v) { set(idCol, v); return self(); }

    public T setModel(String v) { set(model, v); return self(); }

    public T setBits(int v) { set(bits, v); return self(); }

    public T setEncoderPath(String v) { set(encoderPath, v); return self(); }

    public String getInputCol() { return $(inputCol); }

    public String getOutputCol() { return $(outputCol); }

    public String getErrorCol() { return $(errorCol); }

    public String getIdCol() { return $(idCol); }

    public String getModel() { return $(model); }

    public int getBits() { return (Integer) $(bits); }

    public String getEncoderPath() { return $(encoderPath); }

    /** The encoder these settings name, resolved (and checked) on the driver. */
    public EncoderSource encoderSource() { return EncoderSource.of(getEncoderPath(), getModel(), getBits()); }

    protected boolean routesErrors() { return !getErrorCol().isEmpty(); }

    protected RowName rowName(StructType schema) {
        if (getIdCol().isEmpty()) {
            return RowName.positional();
        }
        int i = fieldIndex(schema, getIdCol(), "idCol");
        return new RowName(getIdCol(), i, schema.fields()[i].dataType());
    }

    protected static int fieldIndex(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + " '" + name + "' is not a column; columns: " + Arrays.toString(schema.fieldNames()));
        }
        return schema.fieldIndex(name);
    }

    /** Checks that the output columns are new and appends them, plus the error column when requested. */
    protected StructType appendOutputs(StructType schema, StructField... outputs) {
        StructType out = schema;
        for (StructField f : outputs) {
            out = addNew(out, f);
        }
        if (routesErrors()) {
            out = addNew(out, DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
        }
        return out;
    }

    private static StructType addNew(StructType s, StructField f) {
        if (Arrays.asList(s.fieldNames()).contains(f.name())) {
            throw new IllegalArgumentException("output column '" + f.name() + "' already exists");
        }
        return s.add(f);
    }

    @Override
    public Transformer copy(ParamMap extra) { return defaultCopy(extra); }
}
