package dev.dipr1.policy;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The detection metrics as pure functions of per-image records, micro-averaged over the images
 * (sums of matches, predictions and ground truth over all images, then ratios). Any of them can be
 * bootstrapped ({@link PairedBootstrap}) by evaluating it on resamples of the records.
 */
public final class Metrics {

    public static final ToDoubleFunction<List<ImageScore>> FORMAT_RATE = Metrics::formatRate;
    public static final ToDoubleFunction<List<ImageScore>> PRECISION = Metrics::precision;
    public static final ToDoubleFunction<List<ImageScore>> RECALL = Metrics::recall;
    public static final ToDoubleFunction<List<ImageScore>> F1 = Metrics::f1;
    public static final ToDoubleFunction<List<ImageScore>> MEAN_IOU = Metrics::meanIou;
    public static final ToDoubleFunction<List<ImageScore>> COUNT_MAE = Metrics::countMae;
    public static final ToDoubleFunction<List<ImageScore>> AP50 = new AveragePrecision.Metric(List.of(0.5));
    public static final ToDoubleFunction<List<ImageScore>> AP =
            new AveragePrecision.Metric(AveragePrecision.COCO_THRESHOLDS);

    private Metrics() {}

    /** Share of well-formed completions; 0 for no images. */
    public static double formatRate(List<ImageScore> images) {
        int ok = 0;
        for (ImageScore s : images) {
            ok += s.wellFormed() ? 1 : 0;
        }
        return images.isEmpty() ? 0 : (double) ok / images.size();
    }

    /** Matched / predicted; with no predictions 1 when there is no ground truth either, else 0. */
    public static double precision(List<ImageScore> images) {
        long matched = 0;
        long predicted = 0;
        long truth = 0;
        for (ImageScore s : images) {
            matched += s.matched();
            predicted += s.predicted();
            truth += s.truthCount();
        }
        return predicted == 0 ? (truth == 0 ? 1 : 0) : (double) matched / predicted;
    }

    /** Matched / ground truth; 1 with no ground truth. */
    public static double recall(List<ImageScore> images) {
        long matched = 0;
        long truth = 0;
        for (ImageScore s : images) {
            matched += s.matched();
            truth += s.truthCount();
        }
        return truth == 0 ? 1 : (double) matched / truth;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0. */
    public static double f1(List<ImageScore> images) {
        double precision = precision(images);
        double recall = recall(images);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** Mean IoU of the matched pairs; 0 with no match. */
    public static double meanIou(List<ImageScore> images) {
        long matched = 0;
        double iouSum = 0; // one running sum over all pairs, in image then box order
        for (ImageScore s : images) {
            for (ScoredBox b : s.answer()) {
                if (b.matched()) {
                    iouSum += b.iou();
                    matched++;
                }
            }
        }
        return matched == 0 ? 0 : iouSum / matched;
    }

    /** Mean absolute count error; 0 for no images. */
    public static double countMae(List<ImageScore> images) {
        double err = 0;
        for (ImageScore s : images) {
            err += s.countError();
        }
        return images.isEmpty() ? 0 : err / images.size();
    }
}
