package dev.dipr1.demo;

import java.time.Duration;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides how progress is shown: a redrawn bar on stderr when a person watches a
 * terminal, otherwise one plain log line every {@link #PLAIN_EVERY} (a log file gets a few hundred
 * readable lines instead of thousands of carriage-return redraws).
 */
public final class Progress {

    /** How often a plain progress line is written when no terminal shows the bar. */
    public static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private Progress() {}

    /** A bar for {@code max} units of {@code unit}, drawn as this process's terminal allows. */
    public static ProgressBar bar(String task, long max, String unit) {
        return System.console() != null ? interactive(task, max, unit) : plain(task, max, unit, LOG::info, PLAIN_EVERY);
    }

    /** A redrawn bar on stderr, so stdout stays for results. */
    static ProgressBar interactive(String task, long max, String unit) {
        return common(task, max, unit)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500)
                .build();
    }

    /** One plain line to {@code lines} every {@code every} (and one at the end). */
    static ProgressBar plain(String task, long max, String unit, Consumer<String> lines, Duration every) {
        return common(task, max, unit)
                .setConsumer(new DelegatingProgressBarConsumer(lines))
                .setUpdateIntervalMillis((int) every.toMillis())
                .build();
    }

    private static ProgressBarBuilder common(String task, long max, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed();
    }
}
