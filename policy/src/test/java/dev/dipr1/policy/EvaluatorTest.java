package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import dev.dipr1.rewards.MatchResult;
import dev.dipr1.rewards.Matching;
import dev.dipr1.rewards.ParsedCompletion;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private final Tokenizer tokenizer = new Tokenizer(64);

    @Test
    void workersDecodeWhatOneThreadDecodesInSceneOrder() {
        // 150 images: chunks of 64, 64 and 22, shared by 3 workers
        List<float[]> images = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 150).stream()
                .map(Scene::pixelsChw)
                .toList();
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 5)) {
            List<SampledCompletion> one = Evaluator.greedyCompletions(p, images, 1);
            List<SampledCompletion> three = Evaluator.greedyCompletions(p, images, 3);
            int before = p.liveArrays();
            assertEquals(150, three.size());
            for (int i = 0; i < one.size(); i++) {
                assertEquals(one.get(i).text(), three.get(i).text(), "image " + i);
                // log-probs differ from image to image: a chunk out of place would show here
                assertTrue(Arrays.equals(one.get(i).logProbs(), three.get(i).logProbs()), "image " + i);
            }
            Evaluator.greedyCompletions(p, images, 3);
            assertEquals(before, p.liveArrays(), "the workers' copies leave nothing behind");
        }
    }

    @Test
    void sampledRowsAreEachImagesOwnSeededSamplesOnAnyNumberOfWorkers() {
        // G = 4: chunks of 16 images, so 20 images are decoded as 16 + 4
        List<float[]> images = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 20).stream()
                .map(Scene::pixelsChw)
                .toList();
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 5)) {
            List<SampledCompletion> one = Evaluator.sampledCompletions(p, images, 4, 1f, 100L, 1);
            List<SampledCompletion> three = Evaluator.sampledCompletions(p, images, 4, 1f, 100L, 3);
            assertEquals(80, one.size());
            List<SamplingSettings> seeds = new ArrayList<>();
            for (int i = 16; i < 20; i++) {
                seeds.add(new SamplingSettings(1f, 1f, SamplingSettings.DEFAULT_MAX_TOKENS, 100L + i));
            }
            List<List<SampledCompletion>> lastChunk = new Sampler().sampleGroups(p, images.subList(16, 20), 4, seeds);
            for (int row = 0; row < 80; row++) {
                assertEquals(one.get(row).text(), three.get(row).text(), "row " + row);
                assertTrue(Arrays.equals(one.get(row).logProbs(), three.get(row).logProbs()), "row " + row);
            }
            for (int i = 16; i < 20; i++) {
                for (int k = 0; k < 4; k++) {
                    SampledCompletion direct = lastChunk.get(i - 16).get(k);
                    assertEquals(direct.text(), one.get(i * 4 + k).text(), "image " + i + ", sample " + k);
                    assertTrue(
                            Arrays.equals(direct.logProbs(), one.get(i * 4 + k).logProbs()), "image " + i);
                }
            }
            List<SampledCompletion> otherSeed = Evaluator.sampledCompletions(p, images, 4, 1f, 101L, 1);
            assertTrue(
                    !Arrays.equals(otherSeed.get(0).logProbs(), one.get(0).logProbs()), "another seed, other samples");
            assertThrows(IllegalArgumentException.class, () -> Evaluator.sampledCompletions(p, images, 65, 1f, 0L, 1));
            assertThrows(IllegalArgumentException.class, () -> Evaluator.sampledCompletions(p, images, 4, 0f, 0L, 1));

            List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 20);
            List<Evaluation> draws = Evaluator.evaluateSamples(p, scenes, "in-domain", 4, 1f, 100L, 2);
            assertEquals(4, draws.size());
            for (int k = 0; k < 4; k++) {
                List<SampledCompletion> kth = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    kth.add(one.get(i * 4 + k));
                }
                assertEquals(Evaluator.score(scenes, kth, p.tokenizer(), "in-domain"), draws.get(k), "draw " + k);
            }
        }
    }

    @Test
    void perfectCompletionsScoreOne() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 20);
        List<String> texts =
                scenes.stream().map(s -> TargetTemplate.of(s).text(tokenizer)).toList();
        EvalResult r = Evaluator.score(scenes, texts, "in-domain").result();
        assertEquals(1.0, r.formatRate());
        assertEquals(1.0, r.f1(), 1e-12);
        assertEquals(1.0, r.meanIou(), 1e-12);
        assertEquals(0.0, r.countMae());
        assertEquals(20, r.images());
    }

    @Test
    void garbageScoresZeroAndHalfTheBoxesHalvesRecall() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 10);
        EvalResult bad = Evaluator.score(
                        scenes, scenes.stream().map(s -> "nonsense").toList(), "x")
                .result();
        assertEquals(0.0, bad.formatRate());
        assertEquals(0.0, bad.recall());
        assertEquals(0.0, bad.ap50());
        List<String> half = new ArrayList<>();
        int kept = 0;
        int total = 0;
        for (Scene s : scenes) {
            TargetTemplate t = TargetTemplate.of(s);
            List<int[]> answer = t.answer().subList(0, t.answer().size() / 2);
            kept += answer.size();
            total += t.answer().size();
            half.add(tokenizer.decode(tokenizer.encodeTarget(t.count(), t.dense(), t.look(), answer)));
        }
        EvalResult r = Evaluator.score(scenes, half, "half").result();
        assertEquals(1.0, r.precision(), 1e-12);
        assertEquals((double) kept / total, r.recall(), 1e-12);
        assertTrue(r.toJson()
                .startsWith("{\"split\":\"half\",\"images\":10,\"format_rate\":1.000000,\"precision\":1.000000,"));
        List<String> keys = List.of(
                "split", "images", "format_rate", "precision", "recall", "f1", "mean_iou", "count_mae", "ap50", "ap");
        int at = -1;
        for (String key : keys) {
            int next = r.toJson().indexOf("\"" + key + "\":");
            assertTrue(next > at, key + " in order");
            at = next;
        }
        assertTrue(r.toJson().endsWith(String.format(Locale.ROOT, "\"ap50\":%.6f,\"ap\":%.6f}", r.ap50(), r.ap())));
    }

    @Test
    void theMetricsOfTheRecordsAreTheNumbersTheOldScoreGave() {
        List<Scene> scenes = new ArrayList<>(SyntheticScenes.generate(Split.IN_DOMAIN, 5L, 0, 60));
        scenes.addAll(SyntheticScenes.generate(Split.OOD, 5L, 0, 60));
        List<String> texts = variedTexts(scenes, new Random(7));

        Evaluation now = Evaluator.score(scenes, texts, "mixed");
        EvalResult before = LegacyScore.score(scenes, texts, "mixed");

        EvalResult r = now.result();
        assertEquals(before.images(), r.images());
        assertEquals(before.formatRate(), r.formatRate(), 0.0);
        assertEquals(before.precision(), r.precision(), 0.0);
        assertEquals(before.recall(), r.recall(), 0.0);
        assertEquals(before.f1(), r.f1(), 0.0);
        assertEquals(before.meanIou(), r.meanIou(), 0.0);
        assertEquals(before.countMae(), r.countMae(), 0.0);
        // the texts exercise every path: partial matches, ignored boxes, unmatched boxes, bad format
        assertTrue(r.formatRate() > 0.3 && r.formatRate() < 0.9, "format " + r.formatRate());
        assertTrue(r.precision() > 0.2 && r.precision() < 0.95, "precision " + r.precision());
        assertTrue(r.meanIou() < 0.99, "mean IoU " + r.meanIou());
        long ignored = now.images().stream()
                .flatMap(s -> s.answer().stream())
                .filter(ScoredBox::ignored)
                .count();
        assertTrue(ignored > 5, "ignored boxes: " + ignored);
    }

    @Test
    void perImageRecordsSumToTheMicroAverages() {
        List<Scene> scenes = SyntheticScenes.generate(Split.OOD, 9L, 0, 40);
        Evaluation e = Evaluator.score(scenes, variedTexts(scenes, new Random(3)), "ood");
        long matched = 0;
        long predicted = 0;
        long truth = 0;
        for (int i = 0; i < scenes.size(); i++) {
            ImageScore s = e.images().get(i);
            assertEquals(scenes.get(i).boxes().size(), s.truthCount(), "records are in scene order");
            matched += s.matched();
            predicted += s.predicted();
            truth += s.truthCount();
        }
        assertEquals((double) matched / predicted, e.result().precision(), 1e-15);
        assertEquals((double) matched / truth, e.result().recall(), 1e-15);
        assertThrows(
                IllegalArgumentException.class,
                () -> new Evaluation(e.result(), e.images().subList(0, 39)));
        // a resample of the records is scored by the same functions
        List<ImageScore> firstHalf = e.images().subList(0, 20);
        assertEquals(
                LegacyScore.score(
                                scenes.subList(0, 20),
                                variedTexts(scenes, new Random(3)).subList(0, 20),
                                "")
                        .f1(),
                Metrics.f1(firstHalf),
                0.0);
    }

    @Test
    void scoringTokensGivesTheTextScoresAndRanksByConfidence() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 4L, 0, 15);
        List<SampledCompletion> completions = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        Random rnd = new Random(1);
        for (Scene s : scenes) {
            int[] ids = TargetTemplate.of(s).tokens(tokenizer);
            float[] logps = new float[ids.length];
            for (int k = 0; k < ids.length; k++) {
                logps[k] = (float) -rnd.nextDouble();
            }
            String text = tokenizer.decode(ids);
            completions.add(new SampledCompletion(ids, logps, text, FinishReason.EOS));
            texts.add(text);
        }
        Evaluation fromTokens = Evaluator.score(scenes, completions, tokenizer, "t");
        Evaluation fromText = Evaluator.score(scenes, texts, "t");
        assertEquals(fromText.result().f1(), fromTokens.result().f1(), 0.0);
        assertEquals(1.0, fromTokens.result().ap50(), 1e-12, "perfect boxes: AP 1 whatever the confidences");
        double min = 1;
        for (ImageScore s : fromTokens.images()) {
            for (ScoredBox b : s.answer()) {
                assertTrue(b.confidence() > Math.exp(-1) && b.confidence() < 1, "confidence " + b.confidence());
                min = Math.min(min, b.confidence());
            }
        }
        assertTrue(min < 0.8, "confidences vary with the log-probs");
        assertThrows(
                IllegalArgumentException.class,
                () -> Evaluator.score(scenes, completions.subList(0, 3), tokenizer, "t"));
    }

    @Test
    void greedyEvaluationRuns() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 3);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            Evaluation e = Evaluator.evaluate(p, scenes, "in-domain");
            EvalResult r = e.result();
            assertEquals(3, r.images());
            assertEquals(3, e.images().size());
            assertTrue(r.formatRate() >= 0 && r.formatRate() <= 1);
            assertTrue(r.ap() >= 0 && r.ap() <= r.ap50() + 1e-12);
        }
    }

    /** Per scene, by index: perfect, jittered, half + ignore-region boxes, garbage, answer only, doubled. */
    static List<String> variedTexts(List<Scene> scenes, Random rnd) {
        Tokenizer tok = new Tokenizer(64);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            TargetTemplate t = TargetTemplate.of(s);
            List<int[]> answer = new ArrayList<>();
            switch (i % 6) {
                case 0 -> answer.addAll(t.answer());
                case 1 -> {
                    for (int[] b : t.answer()) {
                        answer.add(new int[] {
                            b[0] + rnd.nextInt(7) - 3, b[1] + rnd.nextInt(7) - 3, b[2] + rnd.nextInt(7) - 3, b[3]
                        });
                    }
                }
                case 2 -> {
                    answer.addAll(t.answer().subList(0, t.answer().size() / 2));
                    for (PixelBox g : s.ignoreRegions()) {
                        answer.add(new int[] {(int) g.x1(), (int) g.y1(), (int) Math.ceil(g.x2()), (int) g.y2()});
                    }
                    answer.add(new int[] {rnd.nextInt(30), rnd.nextInt(30), 40 + rnd.nextInt(20), 40});
                }
                case 3 -> {
                    texts.add("nonsense");
                    continue;
                }
                case 4 -> {
                    StringBuilder sb = new StringBuilder("<answer>[");
                    for (int k = 0; k < t.answer().size(); k++) {
                        int[] b = t.answer().get(k);
                        sb.append(k > 0 ? "," : "")
                                .append(String.format(
                                        Locale.ROOT, "[%.2f,%d,%d,%.1f]", b[0] + 0.25, b[1], b[2], b[3] - 0.5));
                    }
                    texts.add(sb.append("]</answer>").toString());
                    continue;
                }
                default -> {
                    for (int[] b : t.answer()) {
                        answer.add(b);
                        answer.add(new int[] {b[0] + 1, b[1], b[2] + 1, b[3]});
                    }
                }
            }
            texts.add(tok.decode(tok.encodeTarget(t.count(), t.dense(), t.look(), answer)));
        }
        return texts;
    }

    /** {@code Evaluator.score} as it was before the per-image records, kept to pin the numbers. */
    static final class LegacyScore {
        static EvalResult score(List<Scene> scenes, List<String> texts, String splitLabel) {
            int formatOk = 0;
            long matched = 0;
            long predicted = 0;
            long truth = 0;
            double iouSum = 0;
            double countErr = 0;
            for (int i = 0; i < scenes.size(); i++) {
                Scene scene = scenes.get(i);
                ParsedCompletion parsed = CompletionParser.parse(texts.get(i), scene.width(), scene.height());
                if (parsed.wellFormed()) {
                    formatOk++;
                }
                List<Box> gt = boxes(scene.boxes());
                List<Box> ignore = boxes(scene.ignoreRegions());
                List<Box> preds = new ArrayList<>();
                for (Box p : parsed.answerBoxes()) {
                    if (!ignored(p, gt, ignore)) {
                        preds.add(p);
                    }
                }
                MatchResult m = Matching.match(preds, gt, 0.5, false);
                matched += m.pairs();
                predicted += preds.size();
                truth += gt.size();
                for (int k = 0; k < preds.size(); k++) {
                    if (m.predToGt()[k] >= 0) {
                        iouSum += Box.iou(preds.get(k), gt.get(m.predToGt()[k]));
                    }
                }
                countErr += Math.abs(parsed.answerBoxes().size() - gt.size());
            }
            int n = scenes.size();
            double precision = predicted == 0 ? (truth == 0 ? 1 : 0) : (double) matched / predicted;
            double recall = truth == 0 ? 1 : (double) matched / truth;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new EvalResult(
                    splitLabel,
                    n,
                    n == 0 ? 0 : (double) formatOk / n,
                    precision,
                    recall,
                    f1,
                    matched == 0 ? 0 : iouSum / matched,
                    n == 0 ? 0 : countErr / n,
                    Double.NaN,
                    Double.NaN);
        }

        private static boolean ignored(Box p, List<Box> gt, List<Box> ignore) {
            for (Box g : gt) {
                if (Box.iou(p, g) >= 0.5) {
                    return false;
                }
            }
            double area = p.area();
            if (area <= 0) {
                return false;
            }
            for (Box i : ignore) {
                if (Box.intersectionArea(p, i) / area >= 0.5) {
                    return true;
                }
            }
            return false;
        }

        private static List<Box> boxes(List<PixelBox> boxes) {
            List<Box> out = new ArrayList<>(boxes.size());
            for (PixelBox b : boxes) {
                out.add(new Box(b.x1(), b.y1(), b.x2(), b.y2()));
            }
            return out;
        }
    }
}
