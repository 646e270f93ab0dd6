package org.bitsieve.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM whose standard output lines are collected, and which can be killed with SIGKILL without losing
 * the lines it wrote before it died. {@link CrashTest} relies on this: an "ACK n" line the writer printed must be
 * counted, or a batch written after it looks like a second batch in flight.
 *
 * <p>{@link Process#destroyForcibly()} must not be used for that: on Linux it also closes the parent's end of
 * the child's stdout pipe, so lines still in the pipe (written, not yet read: the reader thread lags behind on a
 * loaded machine) are dropped and the reader gets "Stream closed". {@link #kill} signals the process through its
 * {@link ProcessHandle} instead and then reads the pipe to its end.
 */
final class ChildJvm {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Object changed = new Object();
    private Thread reader;
    private volatile IOException readFailure;

    private ChildJvm(Process process) { this.process = process; }

    /** Starts {@code mainClass} with this JVM's class path; stderr is discarded. Call {@link #startReading} next. */
    static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return new ChildJvm(pb.start());
    }

    /**
     * Starts {@code mainClass} as {@link #start} does, under {@code ulimit -f} (bash): no file it writes may grow past
     * {@code fileKiB} KiB, and a write that would gets the real "File too large" error from the kernel (the JVM
     * ignores SIGXFSZ), which is how a full disk looks to the store: a write that fails part way.
     */
    static ChildJvm startWithFileLimit(int fileKiB, Class<?> mainClass, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + fileKiB + " && exec \"$0\" \"$@\"", java, "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return new ChildJvm(pb.start());
    }

    /** Waits for the child to end by itself and returns everything it printed. */
    List<String> awaitExit(long seconds) throws IOException, InterruptedException {
        startReading();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            throw new IOException("child " + process.pid() + " did not end within " + seconds + " s; it printed " + lines());
        }
        reader.join(60_000);
        if (readFailure != null) {
            throw new IOException("reading the child's output failed, lines may be lost", readFailure);
        }
        return lines();
    }

    /** Starts collecting stdout lines on a background thread (until the child's output ends). */
    synchronized void startReading() {
        if (reader != null) {
            return;
        }
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    synchronized (changed) {
                        changed.notifyAll();
                    }
                }
            } catch (IOException e) {
                readFailure = e;
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    boolean isAlive() { return process.isAlive(); }

    /** Waits until {@code count} lines starting with {@code prefix} were read, the child died, or the time ran out. */
    void awaitLines(String prefix, int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (changed) {
            while (count(prefix) < count && process.isAlive() && System.currentTimeMillis() < deadline) {
                changed.wait(20);
            }
        }
    }

    private int count(String prefix) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    /**
     * Kills the child with SIGKILL (as {@code kill -9} would), waits for it to die and reads everything it wrote
     * before dying. Throws if reading its output failed, since lost lines would make the caller's checks wrong.
     */
    List<String> kill() throws IOException, InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IOException("child " + process.pid() + " did not die within 60 s of SIGKILL");
        }
        startReading();
        reader.join(60_000);
        if (reader.isAlive()) {
            throw new IOException("the child's output did not end within 60 s of its death");
        }
        if (readFailure != null) {
            throw new IOException("reading the child's output failed, lines may be lost", readFailure);
        }
        return lines();
    }

    /** The lines read so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
