package dev.dipr1.policy;

import java.util.List;
import java.util.Locale;

/**
 * Greedy-decoding detection quality on a set of images, micro-averaged over all images.
 *
 * @param split the label of the evaluated split (e.g. {@code in-domain})
 * @param images number of images
 * @param formatRate share of completions with format reward 1 (rewards.md §2)
 * @param precision matched predictions / predictions (IoU ≥ 0.5, one-to-one, ignore regions as in §3)
 * @param recall matched predictions / ground-truth boxes
 * @param f1 harmonic mean of precision and recall
 * @param meanIou mean IoU of the matched pairs
 * @param countMae mean absolute difference between the number of answer boxes and of ground-truth boxes
 * @param ap50 COCO-style average precision at IoU 0.5, boxes ranked by the policy's confidence
 *     ({@link AveragePrecision}, {@link BoxConfidence})
 * @param ap COCO-style AP@[.5:.95]: the mean AP over IoU thresholds 0.50, 0.55, …, 0.95
 */
public record EvalResult(
        String split,
        int images,
        double formatRate,
        double precision,
        double recall,
        double f1,
        double meanIou,
        double countMae,
        double ap50,
        double ap) {

    /** The metrics of per-image records ({@link Metrics}), in one pure function. */
    public static EvalResult of(String split, List<ImageScore> images) {
        return new EvalResult(
                split,
                images.size(),
                Metrics.formatRate(images),
                Metrics.precision(images),
                Metrics.recall(images),
                Metrics.f1(images),
                Metrics.meanIou(images),
                Metrics.countMae(images),
                AveragePrecision.ap50(images),
                AveragePrecision.coco(images));
    }

    /**
     * {@code {"split":…,"images":…,"format_rate":…,"precision":…,"recall":…,"f1":…,"mean_iou":…,"count_mae":…,
     * "ap50":…,"ap":…}}
     */
    public String toJson() {
        return String.format(
                Locale.ROOT,
                "{\"split\":\"%s\",\"images\":%d,\"format_rate\":%.6f,\"precision\":%.6f,\"recall\":%.6f,"
                        + "\"f1\":%.6f,\"mean_iou\":%.6f,\"count_mae\":%.6f,\"ap50\":%.6f,\"ap\":%.6f}",
                escape(split),
                images,
                formatRate,
                precision,
                recall,
                f1,
                meanIou,
                countMae,
                ap50,
                ap);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
