package org.bitsieve.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Whole-folder operations on a collection that is not open (moved out of {@link Collection} to keep it small). */
final class CollectionFolder {
    private CollectionFolder() {}

    /** See {@link Collection#drop}. */
    static void drop(Path dir) throws IOException {
        if (!Collection.exists(dir)) {
            throw new IllegalArgumentException(dir + " is not a bitsieve collection (it has no MANIFEST)");
        }
        try (DirLock l = DirLock.acquire(dir)) {
            // the manifest goes first: a crash mid-drop leaves a folder that is clearly not a collection
            Files.deleteIfExists(dir.resolve(SegmentFiles.MANIFEST));
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().equals(SegmentFiles.LOCK)) {
                        deleteTree(p);
                    }
                }
            }
        }
        Files.deleteIfExists(dir.resolve(SegmentFiles.LOCK));
        Files.delete(dir);
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }
}
