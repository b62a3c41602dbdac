package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random properties of the rewards and advantages. */
class PropertyTest {

    static final int TRIALS = 400;

    /** A random group: an image, GT, ignore regions and G completions, most of them noisy copies of the GT. */
    record Scene(
            double w,
            double h,
            List<Box> gt,
            List<Box> ignore,
            List<List<Box>> looks,
            List<List<Box>> answers,
            List<Boolean> broken) {

        GroupInput input(double dx, double dy, double s) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                String t = Completions.canonical(map(looks.get(i), dx, dy, s), map(answers.get(i), dx, dy, s));
                texts.add(broken.get(i) ? t.replace("</think>", "") : t);
            }
            return new GroupInput("p", (w + dx) * s, (h + dy) * s, map(gt, dx, dy, s), map(ignore, dx, dy, s), texts);
        }
    }

    static List<Box> map(List<Box> boxes, double dx, double dy, double s) {
        List<Box> out = new ArrayList<>();
        for (Box b : boxes) {
            out.add(b.translateScale(dx, dy, s));
        }
        return out;
    }

    static Box randomBox(Random rnd, int w, int h) {
        int x = rnd.nextInt(w - 2);
        int y = rnd.nextInt(h - 2);
        return new Box(
                x, y, x + 1 + rnd.nextInt(Math.min(40, w - x - 1)), y + 1 + rnd.nextInt(Math.min(40, h - y - 1)));
    }

    static Box jitter(Box b, Random rnd, int px, int w, int h) {
        double x1 = Math.max(0, b.x1() + rnd.nextInt(2 * px + 1) - px);
        double y1 = Math.max(0, b.y1() + rnd.nextInt(2 * px + 1) - px);
        double x2 = Math.min(w, Math.max(x1 + 1, b.x2() + rnd.nextInt(2 * px + 1) - px));
        double y2 = Math.min(h, Math.max(y1 + 1, b.y2() + rnd.nextInt(2 * px + 1) - px));
        return new Box(x1, y1, x2, y2);
    }

    /** Boxes stay inside the image, so translating the image with them changes no clipping. */
    static Scene scene(Random rnd) {
        int w = 100 + rnd.nextInt(200);
        int h = 100 + rnd.nextInt(200);
        List<Box> gt = new ArrayList<>();
        for (int k = rnd.nextInt(7); k > 0; k--) {
            gt.add(randomBox(rnd, w, h));
        }
        List<Box> ignore = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
            ignore.add(randomBox(rnd, w, h));
        }
        int g = 1 + rnd.nextInt(8);
        List<List<Box>> looks = new ArrayList<>();
        List<List<Box>> answers = new ArrayList<>();
        List<Boolean> broken = new ArrayList<>();
        for (int i = 0; i < g; i++) {
            List<Box> answer = new ArrayList<>();
            for (Box b : gt) {
                if (rnd.nextInt(4) > 0) {
                    answer.add(jitter(b, rnd, 1 + rnd.nextInt(6), w, h));
                }
            }
            for (int k = rnd.nextInt(3); k > 0; k--) {
                answer.add(randomBox(rnd, w, h));
            }
            Collections.shuffle(answer, rnd);
            List<Box> look = new ArrayList<>();
            for (int k = rnd.nextInt(4); k > 0; k--) {
                look.add(
                        rnd.nextBoolean() || answer.isEmpty()
                                ? randomBox(rnd, w, h)
                                : jitter(answer.get(rnd.nextInt(answer.size())), rnd, 3, w, h));
            }
            if (rnd.nextInt(10) == 0) {
                look.add(new Box(0, 0, w, h)); // whole image: too large to count
            }
            looks.add(look);
            answers.add(answer);
            broken.add(rnd.nextInt(8) == 0);
        }
        return new Scene(w, h, gt, ignore, looks, answers, broken);
    }

    @Test
    void everyRewardIsInRange() {
        Random rnd = new Random(1);
        for (int t = 0; t < TRIALS; t++) {
            for (boolean soft : new boolean[] {true, false}) {
                RewardConfig c = new RewardConfig(0.5, soft, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true);
                GroupScore s = GroupScorer.score(scene(rnd).input(0, 0, 1), c);
                for (CompletionScore cs : s.completions()) {
                    assertTrue(cs.format() == 0.0 || cs.format() == 1.0, cs.toString());
                    assertTrue(cs.look() >= 0.0 && cs.look() <= 1.0, cs.toString());
                    assertTrue(cs.accuracy() >= 0.0 && cs.accuracy() <= 1.0 + 1e-15, cs.toString());
                    assertTrue(cs.total() >= 0.0 && cs.total() <= 3.0 + 1e-15, cs.toString());
                    assertTrue(Double.isFinite(cs.advantage()));
                }
            }
        }
    }

    @Test
    void accuracyIsInvariantUnderPermutationOfGtAndPredictions() {
        Random rnd = new Random(2);
        for (int t = 0; t < TRIALS; t++) {
            Scene sc = scene(rnd);
            for (boolean soft : new boolean[] {true, false}) {
                RewardConfig c = new RewardConfig(0.5, soft, 0.3, 0.7, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true);
                for (List<Box> answer : sc.answers()) {
                    double r = AccuracyReward.of(answer, sc.gt(), sc.ignore(), c);
                    List<Box> p = new ArrayList<>(answer);
                    List<Box> g = new ArrayList<>(sc.gt());
                    List<Box> i = new ArrayList<>(sc.ignore());
                    Collections.shuffle(p, rnd);
                    Collections.shuffle(g, rnd);
                    Collections.shuffle(i, rnd);
                    assertEquals(r, AccuracyReward.of(p, g, i, c), 1e-12);
                }
            }
        }
    }

    @Test
    void rewardsAreInvariantWhenBoxesAndImageAreScaledTogether() {
        Random rnd = new Random(3);
        for (int t = 0; t < TRIALS; t++) {
            Scene sc = scene(rnd);
            GroupScore a = GroupScorer.score(sc.input(0, 0, 1), RewardConfig.defaults());
            for (double s : new double[] {2, 0.5, 4}) {
                assertSameScores(a, GroupScorer.score(sc.input(0, 0, s), RewardConfig.defaults()), "scale " + s);
            }
        }
    }

    @Test
    void rewardsAreInvariantWhenBoxesAndImageAreTranslatedTogether() {
        // Translate boxes by (dx, dy) and grow the image by the same amount: no clipping changes.
        // α·W·H changes with the image, so use α = 1 (the area rule is tested on its own).
        RewardConfig c = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 1.0, 1, 1, 1, 1e-4, true);
        Random rnd = new Random(4);
        for (int t = 0; t < TRIALS; t++) {
            Scene sc = scene(rnd);
            GroupScore a = GroupScorer.score(sc.input(0, 0, 1), c);
            double dx = rnd.nextInt(500);
            double dy = rnd.nextInt(500);
            assertSameScores(a, GroupScorer.score(sc.input(dx, dy, 1), c), "translate " + dx + "," + dy);
            assertSameScores(a, GroupScorer.score(sc.input(dx, dy, 2), c), "both");
        }
    }

    static void assertSameScores(GroupScore a, GroupScore b, String ctx) {
        assertEquals(a.zeroVariance(), b.zeroVariance(), ctx);
        for (int i = 0; i < a.completions().size(); i++) {
            CompletionScore x = a.completions().get(i);
            CompletionScore y = b.completions().get(i);
            assertEquals(x.format(), y.format(), ctx);
            assertEquals(x.look(), y.look(), 1e-12, ctx);
            assertEquals(x.accuracy(), y.accuracy(), 1e-12, ctx);
            assertEquals(x.advantage(), y.advantage(), 1e-9, ctx);
        }
    }

    @Test
    void advantagesSumToZeroOverNonDegenerateGroups() {
        Random rnd = new Random(5);
        int checked = 0;
        for (int t = 0; t < TRIALS; t++) {
            for (boolean scale : new boolean[] {true, false}) {
                RewardConfig c = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, scale);
                GroupScore s = GroupScorer.score(scene(rnd).input(0, 0, 1), c);
                double sum = 0;
                for (CompletionScore cs : s.completions()) {
                    sum += cs.advantage();
                }
                assertEquals(0.0, sum, 1e-9);
                if (!s.zeroVariance()) {
                    checked++;
                }
            }
        }
        assertTrue(checked > TRIALS / 2, "too few non-degenerate groups: " + checked);
    }

    @Test
    void standardisedAdvantagesHaveUnitSampleStdUpToEpsilon() {
        Random rnd = new Random(6);
        for (int t = 0; t < TRIALS; t++) {
            double[] r = new double[2 + rnd.nextInt(10)];
            for (int i = 0; i < r.length; i++) {
                r[i] = rnd.nextInt(4) * 0.5;
            }
            GroupAdvantages a = Advantages.of(r, RewardConfig.defaults());
            if (a.zeroVariance()) {
                continue;
            }
            double sq = 0;
            for (double x : a.advantages()) {
                sq += x * x;
            }
            double std = Math.sqrt(sq / (r.length - 1));
            assertEquals(a.std() / (a.std() + 1e-4), std, 1e-12);
        }
    }
}
