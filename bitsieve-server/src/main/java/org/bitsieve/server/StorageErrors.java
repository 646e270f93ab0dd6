package org.bitsieve.server;

import org.bitsieve.store.CollectionUnwritableException;

import static org.bitsieve.core.io.DiskErrors.outOfSpace;

/**
 * Answers for failures of the data folder's file system, which are the operator's to fix and not bugs: a full disk
 * (or a quota or file-size limit) is 507 {@code insufficient_storage}, a collection that refuses writes after a
 * failure it could not undo is 503 {@code unavailable}. Both say that what was acknowledged is safe and what to do.
 */
final class StorageErrors {
    private StorageErrors() {}

    /** The answer for {@code e}, or null when it is not a storage failure. */
    static ApiError answer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CollectionUnwritableException u) {
                return new ApiError(ApiError.Code.UNAVAILABLE, "this collection takes no writes since one failed"
                        + (outOfSpace(u) != null ? " on a full disk (" + outOfSpace(u) + ")" : " (" + ErrorReplies.rootMessage(u) + ")")
                        + "; the documents it acknowledged are safe in its log and searches go on. Restart the server to "
                        + "recover it (after freeing space, if the disk is full)");
            }
        }
        String full = outOfSpace(e);
        if (full != null) {
            return new ApiError(ApiError.Code.INSUFFICIENT_STORAGE, "the server cannot write to its data folder: " + full
                    + " (the disk is full, or a quota or file-size limit was reached). Nothing of this request was written "
                    + "and the documents acknowledged before are safe; free space (or raise the limit), then retry");
        }
        return null;
    }
}
