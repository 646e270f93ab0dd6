package org.bitsieve.spark;

/**
 * Bad input in one row (null text, wrong vector length, NaN, ...). The message names the row and the stage, so
 * the driver's "Job aborted due to stage failure" says which document to fix.
 */
public final class RowFailure extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RowFailure(String message) { super(message); }

    public RowFailure(String message, Throwable cause) { super(message, cause); }
}
