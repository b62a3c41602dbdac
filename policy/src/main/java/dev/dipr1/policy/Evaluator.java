package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import dev.dipr1.rewards.MatchResult;
import dev.dipr1.rewards.Matching;
import dev.dipr1.rewards.ParsedCompletion;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy evaluation of a policy on scenes: parses each completion with the reward stream's
 * {@link CompletionParser} and matches the answer boxes to the ground truth with
 * {@link Matching#match} at IoU 0.5, counting matches ({@code soft = false}). Predictions that
 * match no ground-truth box with IoU ≥ 0.5 and lie at least half inside an ignore region are
 * dropped first, as in rewards.md §3. The answer block is read even when the format is invalid.
 */
public final class Evaluator {

    public static final double IOU_THRESHOLD = 0.5;
    public static final double IGNORE_FRACTION = 0.5;

    private Evaluator() {}

    public static EvalResult evaluate(Policy policy, List<Scene> scenes, String splitLabel) {
        List<float[]> images = new ArrayList<>(scenes.size());
        for (Scene s : scenes) {
            if (s.width() != policy.config().imageSize()
                    || s.height() != policy.config().imageSize()) {
                throw new IllegalArgumentException("scene " + s.id() + " is " + s.width() + "×" + s.height()
                        + " but the policy reads " + policy.config().imageSize() + "×"
                        + policy.config().imageSize());
            }
            images.add(s.pixelsChw());
        }
        List<String> texts = new Sampler().greedy(policy, images);
        return score(scenes, texts, splitLabel);
    }

    /** The metrics of given completions (one per scene, in order). */
    public static EvalResult score(List<Scene> scenes, List<String> texts, String splitLabel) {
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
            MatchResult m = Matching.match(preds, gt, IOU_THRESHOLD, false);
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
                n == 0 ? 0 : countErr / n);
    }

    private static boolean ignored(Box p, List<Box> gt, List<Box> ignore) {
        for (Box g : gt) {
            if (Box.iou(p, g) >= IOU_THRESHOLD) {
                return false;
            }
        }
        double area = p.area();
        if (area <= 0) {
            return false;
        }
        for (Box i : ignore) {
            if (Box.intersectionArea(p, i) / area >= IGNORE_FRACTION) {
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
