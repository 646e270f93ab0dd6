package org.bitsieve.cli.store;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr, as the other commands draw them (silent with --quiet). */
final class ProgressBar implements AutoCloseable {
    private final me.tongfei.progressbar.ProgressBar bar;

    ProgressBar(String name, long total, String unit, boolean quiet) {
        bar = quiet ? null : new ProgressBarBuilder().setTaskName(name).setInitialMax(Math.max(1, total))
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed()
                .setUnit(" " + unit, 1).setMaxRenderedLength(100).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).continuousUpdate().build();
    }

    void stepTo(long done) {
        if (bar != null) {
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
