package dev.dipr1.rewards;

import java.util.Arrays;
import java.util.List;

/**
 * Exact matching of spec §3. Only pairs with {@code IoU ≥ τ} may be matched. Soft: maximise Σ IoU.
 * Hard: maximise the number of pairs (ties broken by the larger Σ IoU, which the reward ignores).
 *
 * <p>The graph of admissible pairs is split into connected components (the optimum is the sum of
 * the components' optima); single-row or single-column components are solved directly and the rest
 * with the Hungarian algorithm, O(n²m) on arrays.
 */
public final class Matching {

    private Matching() {}

    /** @throws IllegalArgumentException when tau is not in (0, 1] */
    public static MatchResult match(List<Box> predictions, List<Box> gt, double tau, boolean soft) {
        if (!(tau > 0.0 && tau <= 1.0)) {
            throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
        }
        int n = predictions.size();
        int m = gt.size();
        int[] predToGt = new int[n];
        Arrays.fill(predToGt, -1);
        if (n == 0 || m == 0) {
            return new MatchResult(0, 0.0, predToGt);
        }
        Box[] p = predictions.toArray(new Box[0]);
        Box[] g = gt.toArray(new Box[0]);

        // IoU of admissible pairs (0 = not admissible); union-find over rows 0..n-1 and columns n..n+m-1.
        double[] iou = new double[n * m];
        int[] parent = new int[n + m];
        for (int k = 0; k < parent.length; k++) {
            parent[k] = k;
        }
        boolean any = false;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = Box.iou(p[i], g[j]);
                if (v >= tau) {
                    iou[i * m + j] = v;
                    union(parent, i, n + j);
                    any = true;
                }
            }
        }
        if (!any) {
            return new MatchResult(0, 0.0, predToGt);
        }

        // Group rows and columns by component root.
        int[] rowsOf = new int[n];
        int[] colsOf = new int[m];
        boolean[] done = new boolean[n + m];
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (done[root] || root == i && isolated(iou, i, m)) {
                continue;
            }
            done[root] = true;
            int rc = 0;
            int cc = 0;
            for (int r = i; r < n; r++) {
                if (find(parent, r) == root) {
                    rowsOf[rc++] = r;
                }
            }
            for (int c = 0; c < m; c++) {
                if (find(parent, n + c) == root) {
                    colsOf[cc++] = c;
                }
            }
            solveComponent(iou, m, rowsOf, rc, colsOf, cc, soft, predToGt);
        }

        int pairs = 0;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            if (predToGt[i] >= 0) {
                pairs++;
                sum += iou[i * m + predToGt[i]];
            }
        }
        return new MatchResult(pairs, sum, predToGt);
    }

    private static boolean isolated(double[] iou, int i, int m) {
        for (int j = 0; j < m; j++) {
            if (iou[i * m + j] > 0.0) {
                return false;
            }
        }
        return true;
    }

    private static void solveComponent(
            double[] iou, int m, int[] rows, int rc, int[] cols, int cc, boolean soft, int[] predToGt) {
        if (rc == 1 || cc == 1) {
            // A star: the single best edge is optimal (first one on ties).
            int bestR = -1;
            int bestC = -1;
            double best = 0.0;
            for (int a = 0; a < rc; a++) {
                for (int b = 0; b < cc; b++) {
                    double v = iou[rows[a] * m + cols[b]];
                    if (v > best) {
                        best = v;
                        bestR = rows[a];
                        bestC = cols[b];
                    }
                }
            }
            predToGt[bestR] = bestC;
            return;
        }
        // Weights: soft → IoU; hard → big + IoU, big > any Σ IoU difference, so cardinality comes first.
        double big = soft ? 0.0 : Math.min(rc, cc) + 1.0;
        boolean transpose = rc > cc;
        int nr = transpose ? cc : rc;
        int nc = transpose ? rc : cc;
        double[] cost = new double[nr * nc];
        for (int a = 0; a < rc; a++) {
            for (int b = 0; b < cc; b++) {
                double v = iou[rows[a] * m + cols[b]];
                double w = v > 0.0 ? big + v : 0.0;
                if (transpose) {
                    cost[b * nc + a] = -w;
                } else {
                    cost[a * nc + b] = -w;
                }
            }
        }
        int[] assign = hungarian(cost, nr, nc);
        for (int r = 0; r < nr; r++) {
            int c = assign[r];
            int a = transpose ? c : r;
            int b = transpose ? r : c;
            if (iou[rows[a] * m + cols[b]] > 0.0) {
                predToGt[rows[a]] = cols[b];
            }
        }
    }

    /**
     * Minimum-cost assignment of every row to a distinct column (rows ≤ columns), the classic
     * potentials formulation; returns the column of each row.
     */
    static int[] hungarian(double[] cost, int n, int m) {
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] rowOfCol = new int[m + 1]; // 1-based row matched to column j, 0 = free
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            rowOfCol[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = rowOfCol[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                int base = (i0 - 1) * m;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = cost[base + j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[rowOfCol[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (rowOfCol[j0] != 0);
            do {
                int j1 = way[j0];
                rowOfCol[j0] = rowOfCol[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int j = 1; j <= m; j++) {
            if (rowOfCol[j] != 0) {
                colOfRow[rowOfCol[j] - 1] = j - 1;
            }
        }
        return colOfRow;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
