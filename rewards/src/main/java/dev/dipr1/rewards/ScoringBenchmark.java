package dev.dipr1.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Single-thread throughput of {@link GroupScorer} on realistic groups: a 640×480 image with 10–30 GT
 * boxes, completions that are noisy copies of the GT in canonical form (some in the other two box
 * syntaxes, about one in ten malformed).
 */
public final class ScoringBenchmark {

    /**
     * The measured phase: completions scored in {@code passes} full passes over the groups, the time it
     * took, the rate, and the mean total reward over the groups (what was scored, for checking).
     */
    public record Result(
            long completions, double seconds, double completionsPerSecond, int passes, double meanReward) {}

    private ScoringBenchmark() {}

    /** Builds {@code groups} groups of {@code g} completions, warms up, then measures one thread. */
    public static Result run(int groups, int g, long seed) {
        if (groups < 1 || g < 1) {
            throw new IllegalArgumentException("groups and g must be >= 1");
        }
        List<GroupInput> inputs = groups(groups, g, new Random(seed));
        RewardConfig c = RewardConfig.defaults();
        double sink = 0;
        // Warm-up: at least 3 passes and 20,000 completions, so the JIT has compiled the hot path.
        long warm = 0;
        for (int pass = 0; pass < 3 || warm < 20_000; pass++) {
            for (GroupInput in : inputs) {
                sink += GroupScorer.score(in, c).mean();
                warm += g;
            }
        }
        long completions = 0;
        int passes = 0;
        double rewardSum = 0;
        long start = System.nanoTime();
        long elapsed;
        do { // at least one pass and 0.5 s
            rewardSum = 0;
            for (GroupInput in : inputs) {
                rewardSum += GroupScorer.score(in, c).mean();
                completions += g;
            }
            passes++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 500_000_000L);
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("unreachable: keeps the warm-up results alive");
        }
        double seconds = elapsed / 1e9;
        return new Result(completions, seconds, completions / seconds, passes, rewardSum / groups);
    }

    /** The benchmark groups (deterministic for a seed). */
    public static List<GroupInput> groups(int groups, int g, Random rnd) {
        double w = 640;
        double h = 480;
        List<GroupInput> out = new ArrayList<>(groups);
        for (int k = 0; k < groups; k++) {
            int n = 10 + rnd.nextInt(21);
            List<Box> gt = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                double bw = 16 + rnd.nextInt(100);
                double bh = 16 + rnd.nextInt(100);
                double x = rnd.nextInt((int) (w - bw));
                double y = rnd.nextInt((int) (h - bh));
                gt.add(new Box(x, y, x + bw, y + bh));
            }
            List<String> completions = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                completions.add(completion(gt, rnd));
            }
            out.add(new GroupInput("bench-" + k, w, h, gt, List.of(), completions));
        }
        return out;
    }

    private static String completion(List<Box> gt, Random rnd) {
        List<Box> answer = new ArrayList<>();
        for (Box b : gt) {
            if (rnd.nextDouble() < 0.85) {
                answer.add(jitter(b, rnd, 4));
            }
        }
        if (rnd.nextDouble() < 0.3) {
            answer.add(new Box(10, 10, 60, 50)); // a false positive
        }
        List<Box> look = new ArrayList<>();
        for (int j = 0, m = rnd.nextInt(4); j < m; j++) {
            look.add(jitter(gt.get(rnd.nextInt(gt.size())), rnd, 10));
        }
        int syntax = rnd.nextInt(20);
        StringBuilder s = new StringBuilder(1024);
        s.append("<think>The image shows ")
                .append(gt.size())
                .append(
                        " objects. I look at the crowded regions first, then list every object I am sure of.</think>\n");
        s.append("<look>").append(boxes(look, 0, rnd)).append("</look>\n");
        s.append("<answer>")
                .append(boxes(answer, syntax == 0 ? 1 : syntax == 1 ? 2 : 0, rnd))
                .append("</answer>");
        int fault = rnd.nextInt(10);
        if (fault == 0) {
            int cut = rnd.nextInt(s.length());
            return s.substring(0, cut); // truncated
        }
        if (fault == 1) {
            return s.toString().replace("</look>", ""); // missing tag
        }
        return s.toString();
    }

    private static Box jitter(Box b, Random rnd, int px) {
        return new Box(
                b.x1() + rnd.nextInt(2 * px + 1) - px,
                b.y1() + rnd.nextInt(2 * px + 1) - px,
                b.x2() + rnd.nextInt(2 * px + 1) - px,
                b.y2() + rnd.nextInt(2 * px + 1) - px);
    }

    /** syntax 0: JSON array of arrays; 1: bbox_2d objects; 2: comma-separated sequence. */
    private static String boxes(List<Box> boxes, int syntax, Random rnd) {
        StringBuilder s = new StringBuilder();
        if (syntax != 2) {
            s.append('[');
        }
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            if (i > 0) {
                s.append(", ");
            }
            String quad = String.format(
                    Locale.ROOT, "[%d, %d, %d, %d]", (long) b.x1(), (long) b.y1(), (long) b.x2(), (long) b.y2());
            if (syntax == 1) {
                s.append("{\"bbox_2d\": ").append(quad).append(", \"label\": \"object\"}");
            } else {
                s.append(quad);
            }
        }
        if (syntax != 2) {
            s.append(']');
        }
        return s.toString();
    }

    /** {@code java dev.dipr1.rewards.ScoringBenchmark [groups] [g] [seed]}: prints the rate. */
    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int g = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
        Result r = run(groups, g, seed);
        System.out.printf(
                Locale.ROOT,
                "%d completions in %.3f s: %.0f completions/s (one thread)%n",
                r.completions(),
                r.seconds(),
                r.completionsPerSecond());
    }
}
