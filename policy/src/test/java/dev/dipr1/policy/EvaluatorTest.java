package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private final Tokenizer tokenizer = new Tokenizer(64);

    @Test
    void perfectCompletionsScoreOne() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 20);
        List<String> texts =
                scenes.stream().map(s -> TargetTemplate.of(s).text(tokenizer)).toList();
        EvalResult r = Evaluator.score(scenes, texts, "in-domain");
        assertEquals(1.0, r.formatRate());
        assertEquals(1.0, r.f1(), 1e-12);
        assertEquals(1.0, r.meanIou(), 1e-12);
        assertEquals(0.0, r.countMae());
        assertEquals(20, r.images());
    }

    @Test
    void garbageScoresZeroAndHalfTheBoxesHalvesRecall() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 10);
        EvalResult bad =
                Evaluator.score(scenes, scenes.stream().map(s -> "nonsense").toList(), "x");
        assertEquals(0.0, bad.formatRate());
        assertEquals(0.0, bad.recall());
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
        EvalResult r = Evaluator.score(scenes, half, "half");
        assertEquals(1.0, r.precision(), 1e-12);
        assertEquals((double) kept / total, r.recall(), 1e-12);
        assertTrue(r.toJson()
                .startsWith("{\"split\":\"half\",\"images\":10,\"format_rate\":1.000000,\"precision\":1.000000,"));
        for (String key :
                List.of("split", "images", "format_rate", "precision", "recall", "f1", "mean_iou", "count_mae")) {
            assertTrue(r.toJson().contains("\"" + key + "\":"), key);
        }
    }

    @Test
    void greedyEvaluationRuns() {
        List<Scene> scenes = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0, 3);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            EvalResult r = Evaluator.evaluate(p, scenes, "in-domain");
            assertEquals(3, r.images());
            assertTrue(r.formatRate() >= 0 && r.formatRate() <= 1);
        }
    }
}
