package dev.dipr1.demo.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each fault of a chaos run is injected: a pure function of the seed, the run length and how many
 * generators and reward instances run. The run is cut into a warm-up (throughput before faults), a fault
 * window, and a settle phase; the fault window (15–80% of the run) holds {@link #rounds(int)} rounds of every
 * {@link Kind}, shuffled by the seed and spread evenly with seeded jitter. A broker stop lasts 30–120 s in runs of 10
 * minutes or more (the issue's numbers) and 8–15 s in shorter ones.
 *
 * @param minutes the run length
 * @param seed the seed that fixes order, targets, times and stop lengths
 * @param faults the faults in time order
 * @param faultWindowStartSeconds the end of the warm-up
 * @param feedEndSeconds when the feeder stops (just after the last fault ends)
 * @param endSeconds the planned end; the run then waits (bounded) until the pipeline has settled
 */
public record ChaosSchedule(
        int minutes,
        long seed,
        List<Fault> faults,
        double faultWindowStartSeconds,
        double feedEndSeconds,
        double endSeconds) {

    /** The shortest run that fits one round of every fault. */
    public static final int MIN_MINUTES = 3;

    /** Runs at least this long stop the broker for 30–120 s, as the issue asks; shorter ones for 8–15 s. */
    public static final int LONG_RUN_MINUTES = 10;

    /** Time kept free after a broker SIGKILL: a restart on the same data directory took ~20 s on 2 busy cores. */
    static final double BROKER_RESTART_SECONDS = 20;

    /** Time kept free for a checkpoint-window kill: two learner starts (~15 s each on 2 busy cores). */
    static final double CHECKPOINT_KILL_SECONDS = 30;

    /** What is done to which component. */
    public enum Kind {
        /** SIGKILL of the learner, restarted on its checkpoint. */
        KILL_LEARNER,
        /**
         * SIGKILL of the learner inside its checkpoint window: it is killed, restarted with the learner's test hook
         * armed for its next checkpoint (target 0: the new checkpoint written to its temporary file, not renamed;
         * target 1: a new version's checkpoint durable, the version not yet published), killed there once the hook
         * holds it, and restarted plainly.
         */
        KILL_LEARNER_IN_CHECKPOINT,
        /** SIGKILL of one generator, restarted with the same id. */
        KILL_GENERATOR,
        /** SIGKILL of one reward-stream instance, restarted on its state directory. */
        KILL_REWARDS,
        /** SIGSTOP of the broker, SIGCONT after the fault's duration. */
        STOP_BROKER,
        /** SIGKILL of the broker, restarted on the same port and data directory. */
        KILL_BROKER,
        /** Random bytes and a PNG claiming 20000×20000 on the prompts topic. */
        BAD_PROMPTS,
        /** Random bytes on the rollouts topic. */
        BAD_ROLLOUTS,
        /** Random bytes and a scored group with a NaN score on the advantages topic. */
        BAD_ADVANTAGES,
        /** Random bytes on the annotations topic. */
        BAD_ANNOTATIONS,
        /** Random bytes and an update claiming version 2^63−1 on the policy topic. */
        BAD_POLICY
    }

    /**
     * One fault.
     *
     * @param atSeconds when, from the start of the feed
     * @param kind what
     * @param target which instance (generator or reward instance index; 0 otherwise)
     * @param durationSeconds how long the broker stays stopped; for a broker kill or a checkpoint-window kill the time
     *     kept free for the restarts; 0 for the other kinds
     */
    public record Fault(double atSeconds, Kind kind, int target, double durationSeconds) {

        /** A short label, e.g. {@code KILL_GENERATOR#1} or {@code STOP_BROKER(12s)}. */
        public String label() {
            return switch (kind) {
                case KILL_GENERATOR, KILL_REWARDS -> kind + "#" + target;
                case STOP_BROKER -> kind + "(" + Math.round(durationSeconds) + "s)";
                case KILL_LEARNER_IN_CHECKPOINT -> kind + (target == 0 ? "(before-rename)" : "(before-publish)");
                default -> kind.toString();
            };
        }
    }

    public ChaosSchedule {
        faults = List.copyOf(faults);
    }

    /** Rounds of every fault kind in a run of {@code minutes}: one per started 5 minutes. */
    public static int rounds(int minutes) {
        return Math.max(1, minutes / 5);
    }

    /**
     * The schedule of a run of {@code minutes} with {@code generators} generators and {@code rewardInstances}
     * reward instances, fixed by {@code seed}.
     */
    public static ChaosSchedule of(long seed, int minutes, int generators, int rewardInstances) {
        if (minutes < MIN_MINUTES) {
            throw new IllegalArgumentException(
                    "--minutes must be at least " + MIN_MINUTES + " to fit one round of every fault, was " + minutes);
        }
        if (generators < 1 || rewardInstances < 1) {
            throw new IllegalArgumentException("a chaos run needs at least one generator and one reward instance");
        }
        Random rng = new Random(seed);
        double total = minutes * 60.0;
        double windowStart = 0.15 * total;
        double windowEnd = 0.8 * total;
        List<Fault> unplaced = new ArrayList<>();
        for (int round = 0; round < rounds(minutes); round++) {
            for (Kind k : Kind.values()) {
                int target = switch (k) {
                    case KILL_GENERATOR -> rng.nextInt(generators);
                    case KILL_REWARDS -> rng.nextInt(rewardInstances);
                    // rounds alternate the two windows, so a run of 10 minutes or more kills in both
                    case KILL_LEARNER_IN_CHECKPOINT -> round % 2;
                    default -> 0;
                };
                double duration = switch (k) {
                    case STOP_BROKER -> stopSeconds(rng, minutes);
                    case KILL_BROKER -> BROKER_RESTART_SECONDS;
                    case KILL_LEARNER_IN_CHECKPOINT -> CHECKPOINT_KILL_SECONDS;
                    default -> 0;
                };
                unplaced.add(new Fault(0, k, target, duration));
            }
        }
        Collections.shuffle(unplaced, rng);
        double busy = unplaced.stream().mapToDouble(Fault::durationSeconds).sum();
        double gap = (windowEnd - windowStart - busy) / unplaced.size();
        if (gap < 2) {
            throw new IllegalArgumentException("--minutes " + minutes + " leaves no room between faults: raise it");
        }
        List<Fault> placed = new ArrayList<>();
        double t = windowStart;
        for (Fault f : unplaced) {
            // each fault somewhere in the first three quarters of its slot, so consecutive faults stay apart
            double at = t + gap * 0.75 * rng.nextDouble();
            placed.add(new Fault(round1(at), f.kind(), f.target(), round1(f.durationSeconds())));
            t += gap + f.durationSeconds();
        }
        double lastEnd = placed.stream()
                .mapToDouble(f -> f.atSeconds() + f.durationSeconds())
                .max()
                .orElse(windowEnd);
        double feedEnd = Math.min(total, lastEnd + 5);
        return new ChaosSchedule(minutes, seed, placed, windowStart, feedEnd, total);
    }

    private static double stopSeconds(Random rng, int minutes) {
        return minutes >= LONG_RUN_MINUTES ? 30 + 90 * rng.nextDouble() : 8 + 7 * rng.nextDouble();
    }

    private static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }
}
