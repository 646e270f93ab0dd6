package org.bitsieve.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

import java.io.Serializable;

/**
 * Names a row in an error message: by the value of the id column when the user gave one (what they can look up),
 * else by its position ({@code partition 3, row 17}), which is stable for a given input and partitioning.
 */
final class RowName implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String idCol;
    private final int idIndex;
    private final DataType idType;

    RowName(String idCol, int idIndex, DataType idType) {
        this.idCol = idCol;
        this.idIndex = idIndex;
        this.idType = idType;
    }

    static RowName positional() { return new RowName(null, -1, null); }

    String of(InternalRow row, int partition, long rowInPartition) {
        if (idIndex >= 0) {
            Object v = row.isNullAt(idIndex) ? null : row.get(idIndex, idType);
            return "row " + idCol + "=" + v + " (partition " + partition + ", row " + rowInPartition + ")";
        }
        return "row at partition " + partition + ", row " + rowInPartition + " (0-based; set idCol to name rows by id)";
    }
}
