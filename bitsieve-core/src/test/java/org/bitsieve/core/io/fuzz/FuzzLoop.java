package org.bitsieve.core.io.fuzz;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * The loop of the fuzz tests (*FuzzTest), plain JUnit 5: {@code tries} tries of a body, each with its own
 * {@link Random} derived from (seed, try), so a failing try replays alone. System properties (Maven {@code -D}
 * reaches the test JVM): {@code bitsieve.fuzz.tries} (default: the test's CI count), {@code bitsieve.fuzz.seconds}
 * (stop each test's loop after that long), {@code bitsieve.fuzz.seed} (default: a fixed seed; {@code random} for a new one per run) and
 * {@code bitsieve.fuzz.try} (run that one try only). A failure names the seed and the try. The store's and the
 * server's fuzz tests use it too, through core's test-jar.
 */
public final class FuzzLoop {
    /** One try: generate an input from {@code r} and check the property, failing with an assertion. */
    public interface Try {
        void run(Random r) throws Exception;
    }

    static final long DEFAULT_SEED = 20261206L;

    private FuzzLoop() {}

    public static void run(String name, int ciTries, Try body) {
        int tries = Integer.getInteger("bitsieve.fuzz.tries", ciTries);
        long seconds = Long.getLong("bitsieve.fuzz.seconds", 0);
        String given = System.getProperty("bitsieve.fuzz.seed", "");
        // fixed by default so a CI run is reproducible; -Dbitsieve.fuzz.seed=random explores new inputs on each run
        long seed = given.isBlank() ? DEFAULT_SEED
                : given.trim().equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(given.trim());
        int only = Integer.getInteger("bitsieve.fuzz.try", -1);
        int from = only >= 0 ? only : 0;
        int to = only >= 0 ? only + 1 : tries;
        long start = System.nanoTime();
        long end = seconds > 0 ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
        int done = 0;
        for (int t = from; t < to && System.nanoTime() - end < 0; t++, done++) {
            try {
                body.run(random(seed, t));
            } catch (Throwable e) {
                throw new AssertionError(name + ": try " + t + " of " + tries + " failed (seed " + seed + "); replay with -Dbitsieve.fuzz.seed="
                        + seed + " -Dbitsieve.fuzz.try=" + t + "\n" + e, e);
            }
        }
        System.out.printf("[fuzz] %s: %d tries in %d ms (seed %d)%n", name, done, (System.nanoTime() - start) / 1_000_000, seed);
    }

    /** The generator of try {@code t}: independent of every other try, so it does not depend on the count. */
    static Random random(long seed, int t) {
        return new Random(new SplittableRandom(seed + 0x9E3779B97F4A7C15L * t).nextLong());
    }
}
