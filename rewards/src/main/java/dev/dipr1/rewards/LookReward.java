package dev.dipr1.rewards;

import java.util.ArrayList;
import java.util.List;

/** Spec §4: the variance-guided look reward {@code r_look ∈ [0, 1]}, computed over a whole group. */
public final class LookReward {

    /** A look box covers a region when at least this fraction of the region's mean box lies in it. */
    public static final double COVER_FRACTION = 0.5;

    private LookReward() {}

    /** One consensus cluster: its anchor, members in insertion order, and the last completion that joined. */
    static final class Cluster {
        final Box anchor;
        final List<Box> members = new ArrayList<>(8);
        int lastCompletion;
        Box mean;
        double uncertainty;

        Cluster(Box anchor, int completion) {
            this.anchor = anchor;
            this.members.add(anchor);
            this.lastCompletion = completion;
        }
    }

    /** The look reward of every completion of the group, in sample order. */
    public static double[] of(List<ParsedCompletion> group, double width, double height, RewardConfig c) {
        int g = group.size();
        List<Cluster> clusters = clusters(group, c.clusterIou());
        List<Cluster> uncertain = uncertainRegions(clusters, g, c.uncertaintyThreshold());
        double maxArea = c.maxLookAreaFraction() * width * height;
        double[] rewards = new double[g];
        for (int i = 0; i < g; i++) {
            ParsedCompletion p = group.get(i);
            rewards[i] = p.wellFormed() ? forCompletion(p.lookBoxes(), uncertain, maxArea) : 0.0;
        }
        return rewards;
    }

    /**
     * Steps 1–2: greedy consensus clusters over the answer boxes of the well-formed completions, in
     * sample order then written order. A box joins the cluster (among those holding no box of its own
     * completion) whose anchor has the highest IoU with it, the earliest on ties, when that IoU ≥ τ_c.
     */
    static List<Cluster> clusters(List<ParsedCompletion> group, double clusterIou) {
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            ParsedCompletion p = group.get(i);
            if (!p.wellFormed()) {
                continue; // A_i is empty when r_fmt = 0
            }
            for (Box b : p.answerBoxes()) {
                Cluster best = null;
                double bestIou = -1.0;
                for (Cluster k : clusters) {
                    if (k.lastCompletion == i) {
                        continue; // already holds a box of completion i
                    }
                    double v = Box.iou(k.anchor, b);
                    if (v > bestIou) {
                        bestIou = v;
                        best = k;
                    }
                }
                if (best != null && bestIou >= clusterIou) {
                    best.members.add(b);
                    best.lastCompletion = i;
                } else {
                    clusters.add(new Cluster(b, i));
                }
            }
        }
        return clusters;
    }

    /** Steps 3–4: mean box, spread and uncertainty of each cluster; returns those with {@code u_k ≥ θ}. */
    static List<Cluster> uncertainRegions(List<Cluster> clusters, int groupSize, double theta) {
        List<Cluster> uncertain = new ArrayList<>();
        for (Cluster k : clusters) {
            int n = k.members.size();
            double f = (double) n / groupSize;
            double sx1 = 0, sy1 = 0, sx2 = 0, sy2 = 0;
            for (Box b : k.members) {
                sx1 += b.x1();
                sy1 += b.y1();
                sx2 += b.x2();
                sy2 += b.y2();
            }
            k.mean = new Box(sx1 / n, sy1 / n, sx2 / n, sy2 / n);
            double iouSum = 0;
            for (Box b : k.members) {
                iouSum += Box.iou(b, k.mean);
            }
            double spread = 1.0 - iouSum / n;
            k.uncertainty = Math.max(4.0 * f * (1.0 - f), spread);
            if (k.uncertainty >= theta) {
                uncertain.add(k);
            }
        }
        return uncertain;
    }

    /** Step 5 for one well-formed completion with valid look boxes {@code looks}. */
    static double forCompletion(List<Box> looks, List<Cluster> uncertain, double maxArea) {
        if (uncertain.isEmpty()) {
            return looks.isEmpty() ? 1.0 : 0.0;
        }
        if (looks.isEmpty()) {
            return 0.0; // coverage = precision = 0
        }
        boolean[] covered = new boolean[uncertain.size()];
        int precise = 0;
        for (Box l : looks) {
            if (l.area() > maxArea) {
                continue; // a glance at (most of) the whole image covers nothing
            }
            boolean coversSome = false;
            for (int k = 0; k < covered.length; k++) {
                Box mu = uncertain.get(k).mean;
                double area = mu.area();
                // A mean box of zero area (possible only through rounding) cannot be covered.
                if (area > 0.0 && Box.intersectionArea(l, mu) / area >= COVER_FRACTION) {
                    covered[k] = true;
                    coversSome = true;
                }
            }
            if (coversSome) {
                precise++;
            }
        }
        double total = 0.0;
        double hit = 0.0;
        for (int k = 0; k < covered.length; k++) {
            double u = uncertain.get(k).uncertainty;
            total += u;
            if (covered[k]) {
                hit += u;
            }
        }
        double coverage = hit / total;
        double precision = (double) precise / looks.size();
        return coverage + precision == 0.0 ? 0.0 : 2.0 * coverage * precision / (coverage + precision);
    }
}
