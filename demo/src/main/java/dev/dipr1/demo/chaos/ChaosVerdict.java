package dev.dipr1.demo.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks of a chaos run over what was read back from the topics (read committed) and the learner's step
 * logs: pure, so each check is unit-tested on hand-made records.
 *
 * <ul>
 *   <li><b>prompts-accounted</b>: every prompt the feeder had acknowledged is the source ({@code prompt_partition},
 *       {@code prompt_offset}) of at least one rollout group or of a dead letter: nothing lost. More than one
 *       group for a prompt is allowed (generators are at-least-once) and counted.
 *   <li><b>rollouts-scored-once</b>: every record on the rollouts topic, bad ones included, is the source of exactly
 *       one committed advantages record or dead letter (the reward stream is exactly-once); injected advantages
 *       records are not outcomes.
 *   <li><b>learner-steps-once</b>: the durable steps of all learner incarnations (those at or before the checkpoint
 *       each one left) are numbered 1..N, each once.
 *   <li><b>no-group-applied-twice</b>: no group id is in two durable steps.
 *   <li><b>one-weight-set-per-version</b>: every policy version on the policy topic (injected records aside) has one
 *       SHA-256.
 *   <li><b>bad-records-dead-lettered</b>: every injected bad record is the source of a dead letter.
 *   <li><b>throughput-held</b>: rollout groups per minute during the fault window are at least
 *       {@link #MIN_THROUGHPUT_SHARE} of those in the second half of the warm-up (from the groups' create-times).
 *   <li><b>steady-again</b>: within {@link #MAX_RECOVERY_SECONDS} of the end of the last fault the pipeline has
 *       caught up: every prompt fed is a group or a dead letter and every rollout has its outcome (the feed stops just
 *       after the last fault, so the backlog the faults left is what must drain).
 *   <li><b>no-unplanned-exits</b>: no service exited unless the run killed it (the run restarts one that does, as an
 *       orchestrator would, so the other checks still see a whole pipeline).
 * </ul>
 */
public final class ChaosVerdict {

    private ChaosVerdict() {}

    /** A record's place in the log. */
    public record Coord(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    /** A record on the rollouts topic: its group id and prompt coordinates, or nulls when it did not decode. */
    public record Rollout(Coord at, String groupId, Coord prompt) {}

    /** A committed advantages record and the rollout it scored. */
    public record Scored(Coord at, String groupId, Coord source) {}

    /** A dead letter: the record it holds and why. */
    public record DeadLetter(Coord source, String stage, String reason) {}

    /** A record on the policy topic. */
    public record PolicyRecord(Coord at, long version, String sha256) {}

    /** A bad record the run wrote, and what it was. */
    public record Injected(String what, Coord at) {}

    /** A learner step that survived: at or before the checkpoint its incarnation left. */
    public record AppliedStep(long step, List<String> groupIds) {}

    /** Throughput during faults must stay at least this share of the throughput before them. */
    public static final double MIN_THROUGHPUT_SHARE = 0.5;

    /** The pipeline must have caught up this soon after the last fault ended. */
    public static final double MAX_RECOVERY_SECONDS = 120;

    /**
     * When things happened, in seconds from the start of the feed.
     *
     * @param groupSeconds the create-time of every rollout group
     * @param faultWindowStart when the warm-up ended (the first fault is at or after it)
     * @param feedEnd when the feeder stopped
     * @param lastFaultEnd when the last fault ended (a stopped broker continued, a killed one answered again)
     * @param caughtUpAt when every prompt fed was accounted and every rollout scored; NaN if that never happened
     */
    public record Timeline(
            List<Double> groupSeconds,
            double faultWindowStart,
            double feedEnd,
            double lastFaultEnd,
            double caughtUpAt) {
        public Timeline {
            groupSeconds = List.copyOf(groupSeconds);
        }
    }

    /** Everything the checks read. */
    public record Input(
            List<Coord> fedPrompts,
            List<Rollout> rollouts,
            List<Scored> scored,
            List<DeadLetter> deadLetters,
            List<AppliedStep> applied,
            List<PolicyRecord> policy,
            List<Injected> injected) {}

    /** One check: its name, whether it passed, and the numbers behind it. */
    public record Check(String name, boolean passed, String what, Map<String, Object> numbers) {}

    /**
     * All checks of {@code in} and {@code timeline}, and of the services that exited on their own ({@code
     * unplannedExits}, one description each), in the order of the class comment.
     */
    public static List<Check> checks(Input in, Timeline timeline, List<String> unplannedExits) {
        return List.of(
                promptsAccounted(in),
                rolloutsScoredOnce(in),
                learnerStepsOnce(in),
                noGroupAppliedTwice(in),
                oneWeightSetPerVersion(in),
                badRecordsDeadLettered(in),
                throughputHeld(timeline),
                steadyAgain(timeline),
                noUnplannedExits(unplannedExits));
    }

    /** Whether every service stayed up except when the run killed it: none stops for a record or an outage. */
    static Check noUnplannedExits(List<String> exits) {
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("unplanned_exits", exits.size());
        numbers.put("examples", first(exits));
        return new Check(
                "no-unplanned-exits",
                exits.isEmpty(),
                "no service exited unless the run killed it (bad records and outages are ridden out)",
                numbers);
    }

    /**
     * Groups per minute in the second half of the warm-up and during the fault window (to the feed's end). The first
     * half of the warm-up is left out: it holds the burst of prompts fed while the generators were still loading,
     * which made the baseline almost twice the feed rate in a 3-minute run.
     */
    static Check throughputHeld(Timeline t) {
        double first = t.faultWindowStart() / 2;
        long before = t.groupSeconds().stream()
                .filter(x -> x >= first && x < t.faultWindowStart())
                .count();
        long during = t.groupSeconds().stream()
                .filter(x -> x >= t.faultWindowStart() && x < t.feedEnd())
                .count();
        double beforeRate = perMinute(before, t.faultWindowStart() - first);
        double duringRate = perMinute(during, t.feedEnd() - t.faultWindowStart());
        double share = beforeRate > 0 ? duringRate / beforeRate : 0;
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("groups_per_minute_before_faults", round2(beforeRate));
        numbers.put("groups_per_minute_during_faults", round2(duringRate));
        numbers.put("share", round2(share));
        numbers.put("min_share", MIN_THROUGHPUT_SHARE);
        return new Check(
                "throughput-held",
                before > 0 && share >= MIN_THROUGHPUT_SHARE,
                "rollout groups per minute during the faults are at least half of those before them",
                numbers);
    }

    /** Whether the backlog left by the faults drained within {@link #MAX_RECOVERY_SECONDS} of the last one. */
    static Check steadyAgain(Timeline t) {
        double recovery = Double.isNaN(t.caughtUpAt()) ? Double.NaN : Math.max(0, t.caughtUpAt() - t.lastFaultEnd());
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("caught_up", !Double.isNaN(recovery));
        numbers.put("seconds_after_last_fault", Double.isNaN(recovery) ? null : round2(recovery));
        numbers.put("max_seconds", MAX_RECOVERY_SECONDS);
        return new Check(
                "steady-again",
                !Double.isNaN(recovery) && recovery <= MAX_RECOVERY_SECONDS,
                "every prompt and rollout accounted within 2 minutes of the end of the last fault",
                numbers);
    }

    private static double perMinute(long count, double seconds) {
        return seconds > 0 ? count / (seconds / 60) : 0;
    }

    private static double round2(double x) {
        return Math.round(x * 100) / 100.0;
    }

    /** Records lost: acknowledged prompts with neither a group nor a dead letter, plus rollouts with no outcome. */
    public static long recordsLost(List<Check> checks) {
        long lost = 0;
        for (Check c : checks) {
            Object n = c.numbers().get("lost");
            if (n instanceof Number x) {
                lost += x.longValue();
            }
        }
        return lost;
    }

    static Check promptsAccounted(Input in) {
        Map<Coord, Integer> groups = new HashMap<>();
        for (Rollout r : in.rollouts()) {
            if (r.prompt() != null) {
                groups.merge(r.prompt(), 1, Integer::sum);
            }
        }
        Set<Coord> dead = sources(in.deadLetters());
        long asGroup = 0;
        long deadLettered = 0;
        long redone = 0;
        List<String> lost = new ArrayList<>();
        for (Coord p : in.fedPrompts()) {
            int n = groups.getOrDefault(p, 0);
            if (n > 0) {
                asGroup++;
                redone += n > 1 ? 1 : 0;
            } else if (dead.contains(p)) {
                deadLettered++;
            } else {
                lost.add(p.toString());
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("fed", in.fedPrompts().size());
        numbers.put("as_rollout_group", asGroup);
        numbers.put("dead_lettered", deadLettered);
        numbers.put("with_more_than_one_group", redone);
        numbers.put("lost", lost.size());
        numbers.put("lost_examples", first(lost));
        return new Check(
                "prompts-accounted",
                lost.isEmpty(),
                "every acknowledged prompt is a rollout group or a dead letter",
                numbers);
    }

    static Check rolloutsScoredOnce(Input in) {
        Set<Coord> injected = new HashSet<>();
        in.injected().forEach(i -> injected.add(i.at()));
        Map<Coord, Integer> outcomes = new HashMap<>();
        long scored = 0;
        for (Scored s : in.scored()) {
            // an injected scored group (a real one edited) still names its source: it is no outcome
            if (!injected.contains(s.at())) {
                outcomes.merge(s.source(), 1, Integer::sum);
                scored++;
            }
        }
        Set<String> rolloutTopics = new HashSet<>();
        in.rollouts().forEach(r -> rolloutTopics.add(r.at().topic()));
        long dead = 0;
        for (DeadLetter d : in.deadLetters()) {
            if (rolloutTopics.contains(d.source().topic())) {
                outcomes.merge(d.source(), 1, Integer::sum);
                dead++;
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (Rollout r : in.rollouts()) {
            int n = outcomes.getOrDefault(r.at(), 0);
            if (n == 0) {
                missing.add(r.at().toString());
            } else if (n > 1) {
                twice.add(r.at() + "×" + n);
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("rollouts", in.rollouts().size());
        numbers.put("advantages", scored);
        numbers.put("dead_lettered", dead);
        numbers.put("lost", missing.size());
        numbers.put("more_than_one_outcome", twice.size());
        numbers.put("lost_examples", first(missing));
        numbers.put("more_than_one_examples", first(twice));
        return new Check(
                "rollouts-scored-once",
                missing.isEmpty() && twice.isEmpty(),
                "every rollout offset is the source of exactly one committed advantages record or dead letter",
                numbers);
    }

    static Check learnerStepsOnce(Input in) {
        List<Long> steps = in.applied().stream().map(AppliedStep::step).toList();
        boolean contiguous = true;
        for (int i = 0; i < steps.size(); i++) {
            contiguous &= steps.get(i) == i + 1;
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("durable_steps", steps.size());
        numbers.put("last_step", steps.isEmpty() ? 0 : steps.get(steps.size() - 1));
        return new Check(
                "learner-steps-once",
                contiguous && !steps.isEmpty(),
                "the durable steps of all learner incarnations are 1..N, each once (and N > 0)",
                numbers);
    }

    static Check noGroupAppliedTwice(Input in) {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        long applied = 0;
        for (AppliedStep s : in.applied()) {
            for (String g : s.groupIds()) {
                applied++;
                if (!seen.add(g)) {
                    twice.add(g);
                }
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("groups_applied", applied);
        numbers.put("applied_twice", twice.size());
        numbers.put("examples", first(twice));
        return new Check("no-group-applied-twice", twice.isEmpty(), "no group id in two durable steps", numbers);
    }

    static Check oneWeightSetPerVersion(Input in) {
        Set<Coord> injected = new HashSet<>();
        in.injected().forEach(i -> injected.add(i.at()));
        Map<Long, Set<String>> hashes = new TreeMap<>();
        for (PolicyRecord p : in.policy()) {
            if (!injected.contains(p.at())) {
                hashes.computeIfAbsent(p.version(), v -> new TreeSet<>()).add(p.sha256());
            }
        }
        List<String> conflicting = new ArrayList<>();
        hashes.forEach((v, h) -> {
            if (h.size() > 1) {
                conflicting.add("v" + v + ": " + h.size() + " weight sets");
            }
        });
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("versions", hashes.size());
        numbers.put("records", in.policy().size());
        numbers.put("versions_with_more_than_one_hash", conflicting.size());
        numbers.put("examples", first(conflicting));
        return new Check(
                "one-weight-set-per-version",
                conflicting.isEmpty() && !hashes.isEmpty(),
                "each policy version on the topic has one SHA-256 (and at least one version was published)",
                numbers);
    }

    static Check badRecordsDeadLettered(Input in) {
        Set<Coord> dead = sources(in.deadLetters());
        List<String> missing = new ArrayList<>();
        for (Injected i : in.injected()) {
            if (!dead.contains(i.at())) {
                missing.add(i.what() + " at " + i.at());
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("injected", in.injected().size());
        numbers.put("dead_lettered", in.injected().size() - missing.size());
        numbers.put("missing", missing);
        return new Check(
                "bad-records-dead-lettered",
                missing.isEmpty(),
                "every injected bad record is the source of a dead letter",
                numbers);
    }

    private static Set<Coord> sources(List<DeadLetter> deadLetters) {
        Set<Coord> s = new HashSet<>();
        deadLetters.forEach(d -> s.add(d.source()));
        return s;
    }

    private static List<String> first(List<String> xs) {
        return List.copyOf(xs.subList(0, Math.min(5, xs.size())));
    }
}
