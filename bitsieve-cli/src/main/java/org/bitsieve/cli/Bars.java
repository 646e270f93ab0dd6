package org.bitsieve.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bitsieve.core.encode.Progress;

import java.io.Console;
import java.io.PrintStream;
import java.util.function.Consumer;


/** Progress bars on stderr for long steps (silent when --quiet). */
public final class Bars {
    private Bars() {}

    public static boolean quiet = false;

    /** A progress sink drawing one bar per step; close it when the step ends. */
    public static final class Bar implements Progress, AutoCloseable {
        private final ProgressBar bar;
        private boolean closed;

        public Bar(String name, long total, String unit, boolean silent) {
            if (silent) {
                bar = null;
                return;
            }
            // On a terminal the bar redraws in place 4 times a second; into a file or a pipe (CI logs, nohup) every
            // redraw would be kept, so there it is one plain line per 20 s and a last one when the step ends.
            boolean tty = interactive();
            ProgressBarConsumer out = tty ? new ConsoleProgressBarConsumer(System.err)
                    : new DelegatingProgressBarConsumer(new PlainLines(System.err), 100);
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(Math.max(1, total))
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(tty ? 250 : 20_000).showSpeed()
                    .setUnit(" " + unit, 1).setMaxRenderedLength(100).setConsumer(out)
                    .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).continuousUpdate().build();
        }

        /** Parallel workers may report out of order; the bar only moves forward. */
        @Override
        public synchronized void update(long done, long total) {
            if (bar != null && done >= bar.getCurrent()) {
                bar.maxHint(Math.max(1, total));
                bar.stepTo(done);
            }
        }

        /** Idempotent: a step may close its bar early (to print its summary after it), then again via try-with-resources. */
        @Override
        public synchronized void close() {
            if (bar != null && !closed) {
                closed = true;
                bar.close();
            }
        }
    }

    /** Plain progress lines, a line equal to the previous one skipped (the library renders the last state twice). */
    private static final class PlainLines implements Consumer<String> {
        private final PrintStream out;
        private String last;

        PlainLines(PrintStream out) { this.out = out; }

        @Override
        public synchronized void accept(String line) {
            if (!line.equals(last)) {
                out.println(line);
                last = line;
            }
        }
    }

    static Bar bar(String name, long total, String unit) { return new Bar(name, total, unit, quiet); }

    /**
     * Whether stderr is a terminal: the launcher tells ({@code -Dbitsieve.interactive}, from {@code [ -t 2 ]});
     * otherwise the JVM's console, which on JDK 22+ exists even when redirected, hence {@code isTerminal()} there.
     */
    public static boolean interactive() {
        String told = System.getProperty("bitsieve.interactive");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console means a terminal
        }
    }
}
