package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.ScoredGroups.Sample;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each way a scored group can be unusable, one at a time, on an otherwise valid group. */
class ScoredGroupValidatorTest {

    private static final int SIDE = 4;
    private static final long LEARNER_VERSION = 2;
    private final ScoredGroupValidator validator = new ScoredGroupValidator(20, 3, SIDE);

    private static ScoredGroup valid() {
        return ScoredGroups.withSquareImage(
                ScoredGroups.group(
                        "g",
                        1,
                        1.0,
                        0xff0000,
                        Sample.of(new int[] {5, 6, 19}, new float[] {-1f, -0.5f, 0f}, 0.7),
                        Sample.of(new int[] {}, new float[] {}, 0.0),
                        Sample.of(new int[] {0}, new float[] {-2f}, -0.7)),
                SIDE);
    }

    private Optional<String> problem(ScoredGroup g) {
        return validator.problem(g, LEARNER_VERSION);
    }

    private void assertRejected(ScoredGroup g, String... words) {
        Optional<String> p = problem(g);
        assertTrue(p.isPresent(), "should be rejected: " + g);
        for (String w : words) {
            assertTrue(p.get().contains(w), "'" + p.get() + "' should mention '" + w + "'");
        }
    }

    private static ScoredGroup withScore(ScoredGroup g, int i, UnaryOperator<CompletionScore.Builder> edit) {
        List<CompletionScore> scores = new ArrayList<>(g.getScores());
        scores.set(i, edit.apply(CompletionScore.newBuilder(scores.get(i))).build());
        return ScoredGroup.newBuilder(g).setScores(scores).build();
    }

    private static ScoredGroup withRollout(ScoredGroup g, UnaryOperator<RolloutGroup.Builder> edit) {
        return ScoredGroup.newBuilder(g)
                .setRollout(edit.apply(RolloutGroup.newBuilder(g.getRollout())).build())
                .build();
    }

    private static ScoredGroup withCompletion(ScoredGroup g, int i, UnaryOperator<Completion.Builder> edit) {
        List<Completion> cs = new ArrayList<>(g.getRollout().getCompletions());
        cs.set(i, edit.apply(Completion.newBuilder(cs.get(i))).build());
        return withRollout(g, r -> r.setCompletions(cs));
    }

    @Test
    void aValidGroupPasses() {
        assertEquals(Optional.empty(), problem(valid()));
    }

    @Test
    void aGroupAtTheLearnersVersionPasses() {
        assertEquals(Optional.empty(), problem(withRollout(valid(), r -> r.setPolicyVersion(LEARNER_VERSION))));
    }

    @Test
    void nonFiniteScoresAreRejectedNamingTheField() {
        assertRejected(withScore(valid(), 0, s -> s.setAdvantage(Double.NaN)), "score 0 advantage", "NaN");
        assertRejected(
                withScore(valid(), 2, s -> s.setAdvantage(Double.POSITIVE_INFINITY)), "score 2 advantage", "Infinity");
        assertRejected(withScore(valid(), 1, s -> s.setTotal(Double.NaN)), "score 1 total");
        assertRejected(
                withScore(valid(), 0, s -> s.setFormat(Double.NEGATIVE_INFINITY)), "score 0 format", "-Infinity");
        assertRejected(withScore(valid(), 0, s -> s.setLook(Double.NaN)), "score 0 look");
        assertRejected(withScore(valid(), 0, s -> s.setAccuracy(Double.NaN)), "score 0 accuracy");
        assertRejected(ScoredGroup.newBuilder(valid()).setRewardMean(Double.NaN).build(), "reward_mean");
        assertRejected(
                ScoredGroup.newBuilder(valid())
                        .setRewardStd(Double.POSITIVE_INFINITY)
                        .build(),
                "reward_std");
    }

    @Test
    void promptCoordinatesAreUnknownOrWhereAPromptCanBe() {
        assertEquals(
                Optional.empty(),
                problem(withRollout(valid(), r -> r.setPromptPartition(2).setPromptOffset(0))));
        assertRejected(
                withRollout(valid(), r -> r.setPromptPartition(-1).setPromptOffset(7)), "partition -1, offset 7");
        assertRejected(withRollout(valid(), r -> r.setPromptPartition(0).setPromptOffset(-5)), "offset -5");
        assertRejected(
                withRollout(valid(), r -> r.setPromptPartition(0).setPromptOffset(Long.MAX_VALUE)),
                "offset " + Long.MAX_VALUE);
    }

    @Test
    void advantagesBeyondTheCapAreRejectedEvenWhenFiniteAsDoubles() {
        assertRejected(withScore(valid(), 0, s -> s.setAdvantage(1e300)), "score 0 advantage 1.0E300", "outside");
        assertRejected(withScore(valid(), 2, s -> s.setAdvantage(-2e4)), "score 2 advantage -20000.0");
        assertEquals(
                Optional.empty(),
                problem(withScore(valid(), 0, s -> s.setAdvantage(ScoredGroupValidator.MAX_ABS_ADVANTAGE))));
    }

    @Test
    void fewerOrMoreScoresThanCompletionsAreRejected() {
        ScoredGroup g = valid();
        ScoredGroup fewer =
                ScoredGroup.newBuilder(g).setScores(g.getScores().subList(0, 2)).build();
        assertRejected(fewer, "2 scores for 3 completions");
        List<CompletionScore> more = new ArrayList<>(g.getScores());
        more.add(CompletionScore.newBuilder(more.get(0)).setIndex(3).build());
        assertRejected(ScoredGroup.newBuilder(g).setScores(more).build(), "4 scores for 3 completions");
    }

    @Test
    void scoresOutOfCompletionOrderAreRejected() {
        assertRejected(withScore(valid(), 1, s -> s.setIndex(2)), "score 1 carries index 2");
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRejected() {
        assertRejected(
                withCompletion(valid(), 0, c -> c.setTokenIds(List.of(5, 20, 6))),
                "completion 0 token 1 is id 20",
                "[0, 20)");
        assertRejected(withCompletion(valid(), 2, c -> c.setTokenIds(List.of(-1))), "completion 2 token 0 is id -1");
    }

    @Test
    void completionsLongerThanThePolicyScoresAreRejected() {
        assertRejected(
                withCompletion(
                        valid(),
                        0,
                        c -> c.setTokenIds(List.of(1, 2, 3, 4)).setBehaviourLogprobs(List.of(-1f, -1f, -1f, -1f))),
                "completion 0 has 4 tokens",
                "at most 3");
    }

    @Test
    void behaviourLogProbsMustMatchTheTokensAndBeFiniteAndAtMostZero() {
        assertRejected(
                withCompletion(valid(), 0, c -> c.setBehaviourLogprobs(List.of(-1f, -1f))),
                "2 behaviour log-probs for 3 tokens");
        assertRejected(
                withCompletion(valid(), 0, c -> c.setBehaviourLogprobs(List.of(-1f, Float.NaN, -1f))),
                "log-prob 1 is NaN");
        assertRejected(
                withCompletion(valid(), 2, c -> c.setBehaviourLogprobs(List.of(Float.NEGATIVE_INFINITY))),
                "log-prob 0 is -Infinity");
        assertRejected(
                withCompletion(valid(), 0, c -> c.setBehaviourLogprobs(List.of(-1f, 0.5f, -1f))), "log-prob 1 is 0.5");
        assertRejected(
                withCompletion(valid(), 0, c -> c.setBehaviourLogprobs(List.of(-1f, -1e30f, -1f))),
                "log-prob 1 is -1.0E30",
                "not in [-50.0, 0]");
        assertEquals(
                Optional.empty(),
                problem(withCompletion(valid(), 0, c -> c.setBehaviourLogprobs(List.of(-50f, -49.9f, 0f)))));
    }

    @Test
    void aTemperatureThatIsNotPositiveAndFiniteIsRejected() {
        assertRejected(withRollout(valid(), r -> r.setTemperature(0.0)), "temperature 0.0");
        assertRejected(withRollout(valid(), r -> r.setTemperature(Double.NaN)), "temperature NaN");
    }

    @Test
    void aGroupFromAFuturePolicyVersionIsRejected() {
        assertRejected(
                withRollout(valid(), r -> r.setPolicyVersion(LEARNER_VERSION + 1)), "policy version 3", "future");
        assertRejected(withRollout(valid(), r -> r.setPolicyVersion(Long.MAX_VALUE)), "future");
    }

    @Test
    void imagesThatAreMissingNotPngOfAnotherSizeOrTruncatedAreRejected() {
        assertRejected(withRollout(valid(), r -> r.setImage(null).setImageUri("/dev/zero")), "no inline image");
        assertRejected(withRollout(valid(), r -> r.setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))), "not a PNG");
        assertRejected(ScoredGroups.withSquareImage(valid(), 8), "8×8", "reads 4×4");
        byte[] png = bytes(valid().getRollout().getImage());
        byte[] truncated = Arrays.copyOf(png, png.length - 20);
        assertRejected(withRollout(valid(), r -> r.setImage(ByteBuffer.wrap(truncated))), "does not decode");
        byte[] flipped = png.clone();
        flipped[png.length - 20] ^= 1; // inside the pixel data
        assertRejected(withRollout(valid(), r -> r.setImage(ByteBuffer.wrap(flipped))), "fails its CRC");
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
