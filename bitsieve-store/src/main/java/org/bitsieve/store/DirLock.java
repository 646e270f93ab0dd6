package org.bitsieve.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The collection's {@code LOCK}: an OS file lock, so one process (and one object in it) at a time opens, checks,
 * repairs or drops a collection; the OS releases it when the process dies.
 */
final class DirLock implements Closeable {
    private final FileChannel channel;
    private final FileLock lock;

    private DirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir} (creating the lock file), or throws {@link CollectionLockedException}. */
    static DirLock acquire(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(SegmentFiles.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new CollectionLockedException(dir);
        }
        return new DirLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
