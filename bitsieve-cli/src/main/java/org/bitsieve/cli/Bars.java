package org.bitsieve.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bitsieve.core.encode.Progress;


/** Progress bars on stderr for long steps (silent when --quiet). */
public final class Bars {
    private Bars() {}

    public static boolean quiet = false;

    /** A progress sink drawing one bar per step; close it when the step ends. */
    public static final class Bar implements Progress, AutoCloseable {
        private final ProgressBar bar;

        public Bar(String name, long total, String unit, boolean silent) {
            bar = silent ? null : new ProgressBarBuilder().setTaskName(name).setInitialMax(Math.max(1, total))
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed()
                    .setUnit(" " + unit, 1).setMaxRenderedLength(100).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).continuousUpdate().build();
        }

        @Override
        public synchronized void update(long done, long total) {
            if (bar != null) {
                bar.maxHint(Math.max(1, total));
                bar.stepTo(done);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    static Bar bar(String name, long total, String unit) { return new Bar(name, total, unit, quiet); }
}
