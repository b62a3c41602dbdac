package dev.dipr1.rewards;

import static dev.dipr1.rewards.Completions.canonical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §4, with worked examples computed by hand. Image 100 × 100, so α·W·H = 2500 by default. */
class LookRewardTest {

    static final double W = 100;
    static final double H = 100;

    static RewardConfig config(double clusterIou, double theta, double alpha) {
        return new RewardConfig(0.5, true, 0.5, 0.5, clusterIou, theta, alpha, 1, 1, 1, 1e-4, true);
    }

    static List<ParsedCompletion> group(String... texts) {
        List<ParsedCompletion> out = new ArrayList<>();
        for (String t : texts) {
            out.add(CompletionParser.parse(t, W, H));
        }
        return out;
    }

    static String c(String look, String answer) {
        return canonical("t", look, answer);
    }

    @Test
    void twoDisagreeingAnswersMakeTwoUncertainRegions() {
        // K1 = {A} and K2 = {B}, each f = 1/2 → u = 4·½·½ = 1. Completion 1 looks at K1 only:
        // coverage = 1/2, precision = 1/1, r = 2·½·1/(½+1) = 2/3. Completion 2 does not look: 0.
        double[] r = LookReward.of(
                group(c("[[0,0,10,10]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]")), W, H, RewardConfig.defaults());
        assertEquals(2.0 / 3.0, r[0], 1e-15);
        assertEquals(0.0, r[1]);
    }

    @Test
    void lookingAtEveryUncertainRegionAndNothingElseIsOne() {
        double[] r = LookReward.of(
                group(c("[[0,0,10,10],[50,50,60,60]]", "[[0,0,10,10]]"), c("[[49,49,61,61]]", "[[50,50,60,60]]")),
                W,
                H,
                RewardConfig.defaults());
        assertEquals(1.0, r[0]);
        assertEquals(2.0 * 0.5 * 1.0 / 1.5, r[1], 1e-15); // covers K2 only: coverage ½, precision 1
    }

    @Test
    void aLookOutsideTheUncertainRegionsLowersPrecision() {
        // covers K1 and K2 (coverage 1) with 2 of 3 look boxes (precision 2/3): r = 2·1·⅔/(1+⅔) = 0.8
        double[] r = LookReward.of(
                group(c("[[0,0,10,10],[50,50,60,60],[80,0,90,10]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]")),
                W,
                H,
                RewardConfig.defaults());
        assertEquals(0.8, r[0], 1e-15);
    }

    @Test
    void whenTheGroupAgreesThereIsNothingToLookAt() {
        // One cluster, f = 1 → 4f(1−f) = 0, spread 0: U is empty. No look → 1, any look → 0.
        double[] r = LookReward.of(
                group(c("", "[[0,0,10,10]]"), c("[[0,0,10,10]]", "[[0,0,10,10]]")), W, H, RewardConfig.defaults());
        assertArrayEquals(new double[] {1.0, 0.0}, r);
    }

    @Test
    void emptyAnswersEverywhereMeanNoRegions() {
        double[] r = LookReward.of(group(c("", ""), c("[[1,1,2,2]]", "[]")), W, H, RewardConfig.defaults());
        assertArrayEquals(new double[] {1.0, 0.0}, r);
    }

    @Test
    void spreadAloneCanMakeARegionUncertain() {
        // A = [0,0,10,10], B = [0,0,10,20]: IoU ½ ≥ τ_c so one cluster, f = 1. μ = [0,0,10,15];
        // IoU(A, μ) = ⅔, IoU(B, μ) = ¾, s = 1 − (⅔ + ¾)/2 = 7/24 ≈ 0.2917.
        List<ParsedCompletion> g = group(c("[[0,0,10,15]]", "[[0,0,10,10]]"), c("", "[[0,0,10,20]]"));
        List<LookReward.Cluster> clusters = LookReward.clusters(g, 0.5);
        assertEquals(1, clusters.size());
        LookReward.uncertainRegions(clusters, 2, 0.5);
        assertEquals(new Box(0, 0, 10, 15), clusters.get(0).mean);
        assertEquals(7.0 / 24.0, clusters.get(0).uncertainty, 1e-15);
        // θ = 0.25: uncertain, completion 1 covers it exactly → 1; with θ = 0.5 U is empty → 0 for a look.
        assertArrayEquals(new double[] {1.0, 0.0}, LookReward.of(g, W, H, config(0.5, 0.25, 0.25)));
        assertArrayEquals(new double[] {0.0, 1.0}, LookReward.of(g, W, H, config(0.5, 0.5, 0.25)));
    }

    @Test
    void lookBoxLargerThanAlphaOfTheImageCoversNothing() {
        // K1 = {[0,0,10,10]} is uncertain (f = ½). The look [0,0,60,50] has area 3000 > 0.25·100·100.
        List<ParsedCompletion> g = group(c("[[0,0,60,50]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]"));
        assertEquals(0.0, LookReward.of(g, W, H, RewardConfig.defaults())[0]);
        // α = 0.3 allows area 3000: coverage ½, precision 1 → ⅔
        assertEquals(2.0 / 3.0, LookReward.of(g, W, H, config(0.5, 0.5, 0.3))[0], 1e-15);
    }

    @Test
    void lookBoxOfExactlyAlphaAreaIsAllowed() {
        List<ParsedCompletion> g = group(c("[[0,0,50,50]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]"));
        assertEquals(2.0 / 3.0, LookReward.of(g, W, H, RewardConfig.defaults())[0], 1e-15);
    }

    @Test
    void coverageNeedsHalfTheMeanBox() {
        // K1 mean [0,0,10,10]; look [5,0,15,10] holds exactly half of it → covers; [5.5,0,15,10] does not.
        assertEquals(
                2.0 / 3.0,
                LookReward.of(
                        group(c("[[5,0,15,10]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]")),
                        W,
                        H,
                        RewardConfig.defaults())[0],
                1e-15);
        assertEquals(
                0.0,
                LookReward.of(
                        group(c("[[5.5,0,15,10]]", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]")),
                        W,
                        H,
                        RewardConfig.defaults())[0]);
    }

    @Test
    void malformedCompletionsGetZeroAndDoNotFormClusters() {
        String malformed = "<think>t</think><look>[[50,50,60,60]]<answer>[[50,50,60,60]]</answer>"; // no </look>
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10]]"), malformed);
        assertEquals(1, LookReward.clusters(g, 0.5).size());
        // K1: f = ½, u = 1 → uncertain; completion 1 has no look → 0; completion 2 has r_fmt = 0 → 0
        assertArrayEquals(new double[] {0.0, 0.0}, LookReward.of(g, W, H, RewardConfig.defaults()));
    }

    @Test
    void tiesGoToTheClusterOpenedFirst() {
        // A = [0,0,10,10] and B = [10,0,20,10] open two clusters; C = [5,0,15,10] has IoU ⅓ with both anchors.
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10],[10,0,20,10]]"), c("", "[[5,0,15,10]]"));
        List<LookReward.Cluster> clusters = LookReward.clusters(g, 0.3);
        assertEquals(2, clusters.size());
        assertEquals(List.of(new Box(0, 0, 10, 10), new Box(5, 0, 15, 10)), clusters.get(0).members);
        assertEquals(List.of(new Box(10, 0, 20, 10)), clusters.get(1).members);
    }

    @Test
    void aClusterTakesAtMostOneBoxPerCompletion() {
        // A' overlaps A (IoU 100/110) but K1 already holds a box of completion 1, so A' opens K2.
        // Completion 2's box D = A then joins K1 (IoU 1 > IoU with anchor A').
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10],[0,0,10,11]]"), c("", "[[0,0,10,10],[0,0,10,10]]"));
        List<LookReward.Cluster> clusters = LookReward.clusters(g, 0.5);
        assertEquals(2, clusters.size());
        assertEquals(2, clusters.get(0).members.size());
        assertEquals(2, clusters.get(1).members.size());
        assertSame(g.get(1).answerBoxes().get(1), clusters.get(1).members.get(1));
    }

    @Test
    void aBoxJoinsTheClusterWithTheBestAnchorNotTheFirst() {
        // A = [0,0,10,10], B = [0,0,10,13], E = [0,0,10,12]. IoU(A,B) = 100/130 < 0.8: B opens K2.
        // E: IoU with anchor A = 100/120 ≈ 0.833, with anchor B = 120/130 ≈ 0.923 → K2 although K1 also qualifies.
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10]]"), c("", "[[0,0,10,13]]"), c("", "[[0,0,10,12]]"));
        List<LookReward.Cluster> clusters = LookReward.clusters(g, 0.8);
        assertEquals(2, clusters.size());
        assertEquals(List.of(new Box(0, 0, 10, 10)), clusters.get(0).members);
        assertEquals(List.of(new Box(0, 0, 10, 13), new Box(0, 0, 10, 12)), clusters.get(1).members);
        assertEquals(3, LookReward.clusters(g, 0.95).size()); // 0.923 < 0.95: E opens K3
        assertEquals(1, LookReward.clusters(g, 0.5).size());
    }

    @Test
    void anchorDecidesEvenWhenTheClusterIsOfferedByALaterBox() {
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10]]"), c("", "[[0,0,10,10]]"), c("", "[[0,0,10,20]]"));
        // E = [0,0,10,20] vs anchor [0,0,10,10]: IoU ½ → joins at τ_c = 0.5, not at 0.6
        assertEquals(1, LookReward.clusters(g, 0.5).size());
        assertEquals(2, LookReward.clusters(g, 0.6).size());
    }

    @Test
    void frequencyUsesTheWholeGroupSize() {
        // G = 4 with one box in one completion: f = ¼, u = 4·¼·¾ = 0.75
        List<ParsedCompletion> g = group(c("", "[[0,0,10,10]]"), c("", ""), c("", ""), "broken");
        List<LookReward.Cluster> clusters = LookReward.clusters(g, 0.5);
        assertEquals(1, LookReward.uncertainRegions(clusters, 4, 0.5).size());
        assertEquals(0.75, clusters.get(0).uncertainty);
        assertEquals(0, LookReward.uncertainRegions(clusters, 4, 0.8).size());
    }

    @Test
    void coverageWeighsRegionsByUncertainty() {
        // G = 4: K1 = [0,0,10,10] in 2 completions (u = 1), K2 = [50,50,60,60] in 1 (u = 0.75).
        // Completion 4 looks at K2 only: coverage 0.75/1.75, precision 1.
        List<ParsedCompletion> g = group(
                c("", "[[0,0,10,10]]"), c("", "[[0,0,10,10]]"), c("", "[[50,50,60,60]]"), c("[[50,50,60,60]]", ""));
        double coverage = 0.75 / 1.75;
        assertEquals(2 * coverage / (coverage + 1), LookReward.of(g, W, H, RewardConfig.defaults())[3], 1e-15);
    }
}
