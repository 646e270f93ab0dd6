"""PySpark wrappers of the bitsieve-spark transformers (the JavaTransformer pattern of pyspark.ml).

The Java classes do the work; these only carry parameters across Py4J. Put the bitsieve-spark jar and the jars of
its target/lib on the classpath (spark-submit --jars ...) and this file on the Python path (--py-files).

    from bitsieve_spark import TextToCodes, VectorsToCodes, near_duplicates, knn_classify, write_codes_parquet
"""
from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import HasInputCol, HasOutputCol
from pyspark.ml.wrapper import JavaTransformer
from pyspark.sql import DataFrame


class _CodeParams(HasInputCol, HasOutputCol):
    errorCol = Param(Params._dummy(), "errorCol", "if set, bad rows get a null code and their error here",
                     typeConverter=TypeConverters.toString)
    idCol = Param(Params._dummy(), "idCol", "column naming rows in error messages", typeConverter=TypeConverters.toString)
    model = Param(Params._dummy(), "model", "bundled model whose shipped general encoder is used",
                  typeConverter=TypeConverters.toString)
    bits = Param(Params._dummy(), "bits", "code length of the shipped encoder (128, 256, 512)",
                 typeConverter=TypeConverters.toInt)
    encoderPath = Param(Params._dummy(), "encoderPath", "encoder file (.bse), overrides model/bits",
                        typeConverter=TypeConverters.toString)


class VectorsToCodes(JavaTransformer, _CodeParams):
    """array<float> (or array<double>) vectors -> binary codes."""

    @keyword_only
    def __init__(self, *, inputCol="vector", outputCol="code", errorCol="", idCol="", model="all-minilm-l6-v2",
                 bits=256, encoderPath=""):
        super().__init__()
        self._java_obj = self._new_java_obj("org.bitsieve.spark.VectorsToCodes", self.uid)
        self._setDefault(inputCol="vector", outputCol="code", errorCol="", idCol="", model="all-minilm-l6-v2",
                         bits=256, encoderPath="")
        self._set(**self._input_kwargs)


class TextToCodes(JavaTransformer, _CodeParams):
    """Texts -> binary codes (+ float16 vectors in vectorCol when set), embedded on the executors."""

    vectorCol = Param(Params._dummy(), "vectorCol", "vector column to add", typeConverter=TypeConverters.toString)
    vectorFormat = Param(Params._dummy(), "vectorFormat", "f16 (binary float16) or f32 (array<float>)",
                         typeConverter=TypeConverters.toString)
    role = Param(Params._dummy(), "role", "PASSAGE or QUERY", typeConverter=TypeConverters.toString)
    batchSize = Param(Params._dummy(), "batchSize", "texts per embedding call", typeConverter=TypeConverters.toInt)
    embedBatch = Param(Params._dummy(), "embedBatch", "texts per model batch", typeConverter=TypeConverters.toInt)
    embedThreads = Param(Params._dummy(), "embedThreads", "ONNX threads per task", typeConverter=TypeConverters.toInt)

    @keyword_only
    def __init__(self, *, inputCol="text", outputCol="code", vectorCol="", vectorFormat="f16", errorCol="", idCol="",
                 model="all-minilm-l6-v2", bits=256, encoderPath="", role="PASSAGE", batchSize=1024, embedBatch=16,
                 embedThreads=1):
        super().__init__()
        self._java_obj = self._new_java_obj("org.bitsieve.spark.TextToCodes", self.uid)
        self._setDefault(inputCol="text", outputCol="code", vectorCol="", vectorFormat="f16", errorCol="", idCol="",
                         model="all-minilm-l6-v2", bits=256, encoderPath="", role="PASSAGE", batchSize=1024,
                         embedBatch=16, embedThreads=1)
        self._set(**self._input_kwargs)


def _jvm(spark):
    return spark.sparkContext._jvm.org.bitsieve.spark


def write_codes_parquet(coded, transformer, path, id_col="", text_col="text", code_col="code", vector_col="",
                        vector_format="f16", metadata_cols=()):
    """Writes the collection layout (id, code, vector, text, metadata + markers) of a transformed DataFrame."""
    spark = coded.sparkSession
    w = _jvm(spark).CodesParquet().idCol(id_col).textCol(text_col).codeCol(code_col)
    if vector_col:
        w = w.vectorCol(vector_col, vector_format)
    if metadata_cols:
        w = w.metadataCols(_string_array(spark, metadata_cols))
    transformer._transfer_params_to_java()
    return w.write(coded._jdf, transformer._java_obj.encoderSource(), path)


def _string_array(spark, items):
    arr = spark.sparkContext._gateway.new_array(spark.sparkContext._jvm.String, len(items))
    for i, s in enumerate(items):
        arr[i] = s
    return arr


def near_duplicates(df, radius=8, id_col="id", code_col="code"):
    """(id_a, id_b, distance) for every pair of codes within `radius` bits."""
    spark = df.sparkSession
    j = _jvm(spark).NearDuplicates().setRadius(radius).setIdCol(id_col).setCodeCol(code_col).pairs(df._jdf)
    return DataFrame(j, spark)


def knn_classify(df, collection_path, label_field="label", k=10, mode="asymmetric", input_col="vector",
                 output_col="prediction"):
    """kNN labels of the query vectors against a labelled collection (read on the driver, broadcast)."""
    spark = df.sparkSession
    ref = _jvm(spark).KnnReference.fromCollection(collection_path, label_field)
    j = _jvm(spark).KnnClassify(ref).setK(k).setMode(mode).setInputCol(input_col).setOutputCol(output_col).transform(df._jdf)
    return DataFrame(j, spark)
