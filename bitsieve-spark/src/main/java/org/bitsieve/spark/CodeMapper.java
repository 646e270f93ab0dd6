package org.bitsieve.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Appends computed columns to every row, a batch of rows at a time, on Spark's internal rows. Working on
 * {@link InternalRow} rather than {@link Row} reads an {@code array<float>} column as a primitive {@code float[]}
 * (no boxing per element), which is what lets the vector path run at hundreds of thousands of rows per second;
 * batches let the text path hand whole batches to the model.
 */
final class CodeMapper {
    private CodeMapper() {}

    /** Computes the appended values of one batch. Runs on executors, so implementations must be serializable. */
    interface BatchFunction extends Serializable {
        /**
         * @param rows      the batch (valid until the call returns)
         * @param partition the partition index, for naming rows
         * @param firstRow  the position of {@code rows.get(0)} within its partition
         * @return one array of appended values (internal representation) per row
         */
        Object[][] apply(List<InternalRow> rows, int partition, long firstRow);
    }

    static Dataset<Row> append(Dataset<?> df, StructField[] added, int batch, BatchFunction fn) {
        StructType in = df.schema();
        StructType out = in;
        for (StructField f : added) {
            out = out.add(f);
        }
        StructType outSchema = out;
        JavaRDD<InternalRow> rows = df.queryExecution().toRdd().toJavaRDD();
        Function2<Integer, Iterator<InternalRow>, Iterator<InternalRow>> perPartition =
                (partition, it) -> new Batched(it, partition, batch, fn);
        RDD<InternalRow> mapped = rows.mapPartitionsWithIndex(perPartition, true).rdd();
        // internalCreateDataFrame is private[sql] in Scala, public in bytecode: the supported way to wrap
        // catalyst rows without converting every value to a Row and back
        return df.sparkSession().internalCreateDataFrame(mapped, outSchema, false);
    }

    private static final class Batched implements Iterator<InternalRow> {
        private final Iterator<InternalRow> in;
        private final int partition;
        private final int batch;
        private final BatchFunction fn;
        private final JoinedRow joined = new JoinedRow();
        private List<InternalRow> rows = List.of();
        private Object[][] values;
        private int next;
        private long done;

        Batched(Iterator<InternalRow> in, int partition, int batch, BatchFunction fn) {
            this.in = in;
            this.partition = partition;
            this.batch = batch;
            this.fn = fn;
        }

        @Override
        public boolean hasNext() {
            if (next < rows.size()) {
                return true;
            }
            if (!in.hasNext()) {
                return false;
            }
            long first = done + rows.size();
            done = first;
            List<InternalRow> b = new ArrayList<>(batch);
            while (b.size() < batch && in.hasNext()) {
                // the input iterator reuses its row object: a batch must copy, a single row is consumed by the reading scan
                // before the input moves on, so the copy (the whole row, vectors included) is skipped
                b.add(batch == 1 ? in.next() : in.next().copy());
            }
            values = fn.apply(b, partition, first);
            rows = b;
            next = 0;
            return true;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = next++;
            // no projection here: the scan of the wrapping DataFrame (RDDScanExec) projects every row to an
            // UnsafeRow as it reads it, so the joined view (reused from row to row) is consumed before it changes
            return joined.apply(rows.get(i), new GenericInternalRow(values[i]));
        }
    }
}
