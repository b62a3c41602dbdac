package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.HeldOutSplits;
import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.Evaluator;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.TargetTemplate;
import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        checkpoint = TinyCheckpoint.write(dir.resolve("tiny.ckpt"), 2);
    }

    private static String trainJson(String seed, String from) {
        Dipr1Test.Run r = Dipr1Test.run(
                "eval",
                "--checkpoint",
                checkpoint.toString(),
                "--split",
                "train",
                "--seed",
                seed,
                "--from",
                from,
                "--images",
                "3",
                "--json");
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    @Test
    void theTrainSplitReadsTheScenesOfTheGivenSeedFromTheGivenIndex() throws Exception {
        String json = trainJson("3", "7");
        try (Policy p = Policy.load(checkpoint)) {
            String direct = Evaluator.evaluate(p, SyntheticScenes.generate(Split.TRAIN, 3, 7, 3), "train")
                    .result()
                    .toJson();
            assertEquals(direct, json);
        }
        assertTrue(json.contains("\"split\":\"train\""), json);
        assertNotEquals(json, trainJson("3", "0"), "other scenes, other counts");
    }

    @Test
    void theTrainSplitNeedsASeedAndTheHeldOutSplitsTakeNone() {
        String ckpt = checkpoint.toString();
        Dipr1Test.Run noSeed = Dipr1Test.run("eval", "--checkpoint", ckpt, "--split", "train");
        assertEquals(2, noSeed.exit(), noSeed.err());
        assertTrue(noSeed.err().contains("--split train needs --seed S"), noSeed.err());

        Dipr1Test.Run heldOut = Dipr1Test.run("eval", "--checkpoint", ckpt, "--split", "ood", "--from", "5");
        assertEquals(2, heldOut.exit(), heldOut.err());
        assertTrue(heldOut.err().contains("--seed and --from apply to --split train only"), heldOut.err());

        Dipr1Test.Run negative =
                Dipr1Test.run("eval", "--checkpoint", ckpt, "--split", "train", "--seed", "1", "--from", "-1");
        assertEquals(2, negative.exit(), negative.err());
        assertTrue(negative.err().contains("--from must be 0 or more, was -1"), negative.err());
    }

    @Test
    void againstEvaluatesBothCheckpointsOnTheSameImages() throws Exception {
        Path other = TinyCheckpoint.write(dir.resolve("other.ckpt"), 5);
        Dipr1Test.Run r = Dipr1Test.run(
                "eval",
                "--checkpoint",
                checkpoint.toString(),
                "--against",
                other.toString(),
                "--split",
                "in-domain",
                "--images",
                "4",
                "--json");
        assertEquals(0, r.exit(), r.err());
        try (Policy p = Policy.load(checkpoint);
                Policy q = Policy.load(other)) {
            // untrained policies score F1 0 alike: the direction of the change is tested on texts below
            assertEquals(
                    EvalCommand.comparisonJson(
                            HeldOutSplits.evaluation(p, Split.IN_DOMAIN, 4, 1),
                            HeldOutSplits.evaluation(q, Split.IN_DOMAIN, 4, 1)),
                    r.out().strip());
        }
    }

    @Test
    void theChangeRunsFromAgainstToTheCheckpoint() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 1, 0, 20);
        Tokenizer tokenizer = new Tokenizer(SyntheticScenes.SIZE);
        List<String> right =
                scenes.stream().map(s -> TargetTemplate.of(s).text(tokenizer)).toList();
        List<String> empty = scenes.stream().map(s -> "").toList();
        Evaluation perfect = Evaluator.score(scenes, right, "in-domain");
        Evaluation nothing = Evaluator.score(scenes, empty, "in-domain");
        assertEquals(1.0, perfect.result().f1(), 1e-9, "the targets are right answers");

        String json = EvalCommand.comparisonJson(perfect, nothing);
        assertTrue(json.startsWith("{\"checkpoint\":" + perfect.result().toJson() + ",\"against\":"), json);
        assertTrue(json.endsWith(",\"f1_delta\":{\"delta\":1.0,\"ci_low\":1.0,\"ci_high\":1.0}}"), json);
    }

    @Test
    void againstNeedsAnExistingCheckpoint() {
        Dipr1Test.Run r = Dipr1Test.run(
                "eval", "--checkpoint", checkpoint.toString(), "--against", "no/such.ckpt", "--split", "ood");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--against"), r.err());
    }

    /** {@code dipr1 eval} of the tiny checkpoint on 5 in-domain images with 3 samples each, and {@code more}. */
    private static Dipr1Test.Run sampled(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "eval",
                "--checkpoint",
                checkpoint.toString(),
                "--split",
                "in-domain",
                "--images",
                "5",
                "--samples",
                "3"));
        args.addAll(List.of(more));
        Dipr1Test.Run r = Dipr1Test.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    @Test
    void samplesReportOneSampleAndTheBestOfGAgainstTheGreedyAnswer() {
        String json = sampled("--temperature", "1.0", "--json").out().strip();
        assertTrue(json.startsWith("{\"greedy\":{"), json);
        assertTrue(json.contains("\"samples\":{\"g\":3,\"temperature\":1.0,\"seed\":0,\"mean_f1\":"), json);
        assertTrue(json.contains("\"best_of_vs_greedy\":{\"delta\":"), json);

        String text = sampled().out();
        assertTrue(text.contains("one sample at temperature 0.70: F1@0.5 "), text);
        assertTrue(text.contains("F1@0.5 change from greedy to the best of 3: "), text);

        String same = sampled("--against", checkpoint.toString(), "--json").out();
        assertTrue(
                same.contains("\"best_of_f1_delta\":{\"delta\":0.0,\"ci_low\":0.0,\"ci_high\":0.0},"
                        + "\"one_sample_f1_delta\":0.0}"),
                "with --against: both changes, zero for a checkpoint against itself: " + same);
    }

    @Test
    void samplesOutOfRangeAreRefusedWithWhatToChange() {
        Dipr1Test.Run zero =
                Dipr1Test.run("eval", "--checkpoint", checkpoint.toString(), "--split", "ood", "--samples", "0");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--samples must be between 1 and 64 (e.g. 8, the demo's G), was 0"), zero.err());
        Dipr1Test.Run cold = Dipr1Test.run(
                "eval",
                "--checkpoint",
                checkpoint.toString(),
                "--split",
                "ood",
                "--samples",
                "8",
                "--temperature",
                "0");
        assertEquals(2, cold.exit());
        assertTrue(cold.err().contains("--temperature must be in (0, 10.0]"), cold.err());
        Dipr1Test.Run greedy =
                Dipr1Test.run("eval", "--checkpoint", checkpoint.toString(), "--split", "ood", "--temperature", "1.0");
        assertEquals(2, greedy.exit());
        assertTrue(greedy.err().contains("--temperature applies with --samples G only"), greedy.err());
    }
}
