package dev.dipr1.learner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * TEST HOOK, off unless a system property turns it on: holds the learner still inside its checkpoint
 * window so that a test can SIGKILL it exactly there. It exists only for the process-kill tests; a
 * deployment never sets the property.
 *
 * <p>{@code -Ddipr1.test.checkpointWindow=POINT@STEP:MS:MARKER} — the first time the learner reaches
 * {@code POINT} at a step ≥ {@code STEP}, it writes the file {@code MARKER} (its content names the point
 * and step) and then sleeps {@code MS} ms before going on. {@code POINT} is
 *
 * <ul>
 *   <li>{@code before-rename}: the new checkpoint is completely written to its temporary file, not yet
 *       fsynced or renamed over the checkpoint;
 *   <li>{@code before-publish}: the checkpoint of a new policy version is renamed into place and durable,
 *       the version is not yet published.
 * </ul>
 *
 * <p>The property is read once, when this class is loaded.
 */
final class CheckpointWindowHook {

    /** The system property that turns the hook on. */
    static final String PROPERTY = "dipr1.test.checkpointWindow";

    /** Where inside the checkpoint window the hook can hold the learner. */
    enum Point {
        BEFORE_RENAME,
        BEFORE_PUBLISH;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final CheckpointWindowHook ACTIVE = parse(System.getProperty(PROPERTY));

    private final Point point;
    private final long fromStep;
    private final long pauseMs;
    private final Path marker;
    private boolean fired;

    private CheckpointWindowHook(Point point, long fromStep, long pauseMs, Path marker) {
        this.point = point;
        this.fromStep = fromStep;
        this.pauseMs = pauseMs;
        this.marker = marker;
    }

    /** Called by the learner when it reaches {@code point} at {@code step}; a no-op unless the hook is on. */
    static void reached(Point point, long step) {
        if (ACTIVE != null) {
            ACTIVE.fire(point, step);
        }
    }

    static CheckpointWindowHook parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = value.split(":", 3);
        String[] pointAndStep = parts[0].split("@", 2);
        if (parts.length != 3 || pointAndStep.length != 2) {
            throw new IllegalArgumentException(
                    "-D" + PROPERTY + " must be POINT@STEP:MS:MARKER (a test hook), was " + value);
        }
        Point point = null;
        for (Point p : Point.values()) {
            if (p.tag().equals(pointAndStep[0])) {
                point = p;
            }
        }
        if (point == null) {
            throw new IllegalArgumentException(
                    "-D" + PROPERTY + ": POINT must be before-rename or before-publish, was " + pointAndStep[0]);
        }
        return new CheckpointWindowHook(
                point, Long.parseLong(pointAndStep[1]), Long.parseLong(parts[1]), Path.of(parts[2]));
    }

    private synchronized void fire(Point reached, long step) {
        if (fired || reached != point || step < fromStep) {
            return;
        }
        fired = true;
        try {
            Files.writeString(marker, point.tag() + " step " + step + "\n");
            Thread.sleep(pauseMs);
        } catch (IOException e) {
            throw new UncheckedIOException("test hook " + PROPERTY + ": cannot write " + marker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
