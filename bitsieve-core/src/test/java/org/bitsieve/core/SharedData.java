package org.bitsieve.core;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place tests find the shared real datasets (the {@code shared} folder next to the checkout).
 *
 * <p>If the user pointed at a folder ({@code BITSIEVE_SHARED} or {@code -Dbitsieve.shared}; the build then passes
 * {@code -Dbitsieve.sharedRequired=true}) it is required: a missing folder fails the test. Otherwise a missing
 * folder skips the tests that need it (a JUnit assumption, reported as skipped) with one reason saying how to run them.
 * Shared with the other modules through bitsieve-core's test-jar.
 */
public final class SharedData {
    private static volatile boolean announced;

    private SharedData() {}

    /** The shared datasets folder; aborts (skips) or fails the calling test when it is missing. */
    public static Path dir() {
        Path s = location();
        if (present(s)) {
            return s;
        }
        if (required()) {
            throw new AssertionError("the shared data folder " + s + " does not exist or lacks data/ and embeddings/"
                    + " (it was set by BITSIEVE_SHARED or -Dbitsieve.shared, so the tests that need it are required)");
        }
        if (!announced) { // Surefire shows skips as counts only: say why once per test JVM
            announced = true;
            System.out.println("[bitsieve] " + reason(s));
        }
        Assumptions.abort(reason(s));
        throw new AssertionError("unreachable");
    }

    /** True if the data is there; never skips or fails (for tests that only need the data for part of what they check). */
    public static boolean available() {
        return present(location());
    }

    /** The skip reason for a missing folder at {@code s}. */
    public static String reason(Path s) {
        return "no shared data folder at " + s + ": tests that need the real datasets are skipped;"
                + " get the data folder and set BITSIEVE_SHARED=/path/to/shared to run them";
    }

    static boolean required() {
        return Boolean.getBoolean("bitsieve.sharedRequired")
                || (System.getProperty("bitsieve.shared") == null && System.getenv("BITSIEVE_SHARED") != null);
    }

    /** -Dbitsieve.shared (the build always passes it), else BITSIEVE_SHARED, else ../shared or ../../shared. */
    public static Path location() {
        String p = System.getProperty("bitsieve.shared");
        if (p == null) {
            p = System.getenv("BITSIEVE_SHARED");
        }
        Path s;
        if (p != null) {
            s = Path.of(p);
        } else {
            s = Path.of("..", "..", "shared");
            if (!Files.isDirectory(s)) {
                s = Path.of("..", "shared");
            }
        }
        return s.toAbsolutePath().normalize();
    }

    private static boolean present(Path s) {
        return Files.isDirectory(s.resolve("data")) && Files.isDirectory(s.resolve("embeddings"));
    }
}
