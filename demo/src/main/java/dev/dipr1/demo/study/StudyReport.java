package dev.dipr1.demo.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.common.AtomicFiles;
import dev.dipr1.demo.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of a study: every seed's evaluation of every arm (as its demo report wrote it), and
 * per arm, split and metric the mean across seeds with a 95% t-interval ({@link SeedInterval}),
 * plus the per-seed difference to the SFT start of the same seed; each seed's own paired-bootstrap
 * differences; and how the RL run's per-step diagnostics moved ({@link RunTrend}). Writes {@code
 * study.json}, {@code study.md} and {@code f1.png}, {@code ap.png}.
 */
public final class StudyReport {

    /** The test splits, as keys of a demo report. */
    public static final List<String> SPLITS = List.of("in_domain", "ood");

    /** The metrics of the markdown table, in its order (study.json carries every metric). */
    public static final List<String> TABLE_METRICS = List.of("f1", "ap50", "ap", "precision", "recall", "format_rate");

    /** The per-step diagnostics whose trend over an RL run is reported, as keys of a learner step. */
    public static final List<String> TREND_KEYS = List.of("entropy", "reward_accuracy", "reward_look", "loss_kl");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final List<Long> seeds;
    private final List<StudyArm> arms;
    private final ObjectNode settings;
    // seed -> arm -> {in_domain: {metric: value}, ood: {...}}
    private final Map<Long, Map<StudyArm, JsonNode>> results = new LinkedHashMap<>();
    // seed -> arm -> that demo's own paired-bootstrap deltas, when it wrote them
    private final Map<Long, Map<StudyArm, JsonNode>> deltas = new LinkedHashMap<>();
    // seed -> arm -> that RL run against SFT continued of the same seed, when the run trained it
    private final Map<Long, Map<StudyArm, JsonNode>> versusSftMore = new LinkedHashMap<>();
    // seed -> arm -> diagnostic -> its trend over the RL run
    private final Map<Long, Map<StudyArm, Map<String, RunTrend>>> trends = new LinkedHashMap<>();

    public StudyReport(Path dir, List<Long> seeds, List<StudyArm> arms, ObjectNode settings) {
        this.dir = dir;
        this.seeds = List.copyOf(seeds);
        this.arms = List.copyOf(arms);
        this.settings = settings;
    }

    /** The evaluation {@code {in_domain: {…}, ood: {…}}} of {@code arm} on {@code seed}. */
    public void add(long seed, StudyArm arm, JsonNode evaluation, JsonNode demoDeltas) {
        if (evaluation == null || evaluation.isMissingNode() || evaluation.isNull()) {
            throw new IllegalArgumentException("no evaluation of " + arm.label() + " for seed " + seed);
        }
        results.computeIfAbsent(seed, s -> new LinkedHashMap<>()).put(arm, evaluation);
        if (demoDeltas != null && !demoDeltas.isMissingNode() && !demoDeltas.isNull()) {
            deltas.computeIfAbsent(seed, s -> new LinkedHashMap<>()).put(arm, demoDeltas);
        }
    }

    /**
     * What the RL run of {@code arm} on {@code seed} logged: its learner steps (the trends of
     * {@link #TREND_KEYS}) and its paired-bootstrap difference to SFT continued, either may be
     * missing.
     */
    public void addRun(long seed, StudyArm arm, JsonNode learnerSteps, JsonNode rlVersusSftMore) {
        if (learnerSteps != null && learnerSteps.isArray()) {
            Map<String, RunTrend> byKey = new LinkedHashMap<>();
            for (String key : TREND_KEYS) {
                List<Double> series = new ArrayList<>();
                learnerSteps.forEach(step ->
                        series.add(step.path(key).isNumber() ? step.get(key).asDouble() : Double.NaN));
                byKey.put(key, RunTrend.of(series));
            }
            trends.computeIfAbsent(seed, x -> new LinkedHashMap<>()).put(arm, byKey);
        }
        if (rlVersusSftMore != null && rlVersusSftMore.isObject()) {
            versusSftMore.computeIfAbsent(seed, x -> new LinkedHashMap<>()).put(arm, rlVersusSftMore);
        }
    }

    /** The trend of one diagnostic of one arm's RL run on one seed, or null when it did not log steps. */
    public RunTrend trend(long seed, StudyArm arm, String key) {
        Map<String, RunTrend> byKey = trends.getOrDefault(seed, Map.of()).get(arm);
        return byKey == null ? null : byKey.get(key);
    }

    /** The values of one metric of one arm and split, one per seed that has it. */
    public List<Double> values(StudyArm arm, String split, String metric) {
        List<Double> out = new ArrayList<>();
        for (long seed : seeds) {
            JsonNode v = at(results.getOrDefault(seed, Map.of()).get(arm), split, metric);
            if (v != null) {
                out.add(v.asDouble());
            }
        }
        return out;
    }

    /** Per seed, this arm's metric minus the SFT start's, for the seeds that have both. */
    public List<Double> differencesToSft(StudyArm arm, String split, String metric) {
        List<Double> out = new ArrayList<>();
        for (long seed : seeds) {
            Map<StudyArm, JsonNode> bySeed = results.getOrDefault(seed, Map.of());
            JsonNode a = at(bySeed.get(arm), split, metric);
            JsonNode s = at(bySeed.get(StudyArm.SFT), split, metric);
            if (a != null && s != null) {
                out.add(a.asDouble() - s.asDouble());
            }
        }
        return out;
    }

    private static JsonNode at(JsonNode evaluation, String split, String metric) {
        if (evaluation == null) {
            return null;
        }
        JsonNode v = evaluation.path(split).get(metric);
        return v != null && v.isNumber() ? v : null;
    }

    /** Writes study.json, study.md and the plots into the study's directory. */
    public void write() throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("study.json"), JSON.writeValueAsBytes(json()));
        Files.writeString(dir.resolve("study.md"), markdown());
        plot("f1", "F1 at IoU 0.5 (greedy), mean over seeds");
        plot("ap", "AP@[.5:.95], mean over seeds");
    }

    private static void putBySeedAndArm(ObjectNode into, Map<Long, Map<StudyArm, JsonNode>> bySeed) {
        bySeed.forEach((seed, byArm) -> {
            ObjectNode s = into.putObject(Long.toString(seed));
            byArm.forEach((arm, node) -> s.set(arm.label(), node));
        });
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.putPOJO("seeds", seeds);
        root.putPOJO("arms", arms.stream().map(StudyArm::label).toList());
        root.set("settings", settings);
        putBySeedAndArm(root.putObject("runs"), results);
        putBySeedAndArm(root.putObject("demo_deltas"), deltas);
        putBySeedAndArm(root.putObject("rl_vs_sft_more"), versusSftMore);
        ObjectNode trendsJson = root.putObject("trends");
        trends.forEach((seed, byArm) -> {
            ObjectNode s = trendsJson.putObject(Long.toString(seed));
            byArm.forEach((arm, byKey) -> {
                ObjectNode a = s.putObject(arm.label());
                byKey.forEach((key, t) -> {
                    ObjectNode n = a.putObject(key);
                    n.put("steps", t.n());
                    n.put("change", t.change());
                    n.put("ci_low", t.low());
                    n.put("ci_high", t.high());
                });
            });
        });
        ObjectNode summary = root.putObject("summary");
        ObjectNode vsSft = root.putObject("minus_sft");
        for (StudyArm arm : arms) {
            ObjectNode a = summary.putObject(arm.label());
            ObjectNode d = vsSft.putObject(arm.label());
            for (String split : SPLITS) {
                ObjectNode sp = a.putObject(split);
                ObjectNode dsp = d.putObject(split);
                for (String metric : metrics()) {
                    sp.set(metric, interval(SeedInterval.of(values(arm, split, metric))));
                    dsp.set(metric, interval(SeedInterval.of(differencesToSft(arm, split, metric))));
                }
            }
        }
        return root;
    }

    private static JsonNode interval(SeedInterval i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("n", i.n());
        n.put("mean", i.mean());
        n.put("ci_low", i.low());
        n.put("ci_high", i.high());
        return n;
    }

    /** Every metric any evaluation carries, in the order of the first. */
    private List<String> metrics() {
        List<String> out = new ArrayList<>();
        for (Map<StudyArm, JsonNode> byArm : results.values()) {
            for (JsonNode r : byArm.values()) {
                for (Iterator<String> it = r.path("in_domain").fieldNames(); it.hasNext(); ) {
                    String m = it.next();
                    if (r.path("in_domain").get(m).isNumber() && !out.contains(m) && !m.equals("images")) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# DIP-R1 ablation study\n\n");
        md.append("Seeds ").append(seeds).append("; mean over seeds with a 95% t-interval across seeds.\n\n");
        for (String split : SPLITS) {
            md.append("## ").append(split.replace('_', '-')).append("\n\n| arm |");
            List<String> shown =
                    TABLE_METRICS.stream().filter(metrics()::contains).toList();
            shown.forEach(m -> md.append(' ').append(m).append(" |"));
            md.append(" F1 − SFT |\n|---|");
            shown.forEach(m -> md.append("---|"));
            md.append("---|\n");
            for (StudyArm arm : arms) {
                md.append("| ").append(arm.label()).append(" |");
                for (String m : shown) {
                    md.append(' ')
                            .append(SeedInterval.of(values(arm, split, m)).text())
                            .append(" |");
                }
                String diff = arm == StudyArm.SFT
                        ? "—"
                        : SeedInterval.of(differencesToSft(arm, split, "f1")).text();
                md.append(' ').append(diff).append(" |\n");
            }
            md.append('\n');
        }
        perSeed(md);
        trendTable(md);
        return md.toString();
    }

    /** Each seed's own paired-bootstrap differences (over images), as its demo run computed them. */
    private void perSeed(StringBuilder md) {
        if (deltas.isEmpty()) {
            return;
        }
        md.append("## Each seed: F1@0.5, paired-bootstrap 95% interval over images\n\n")
                .append("| seed | arm | SFT in / ood | arm in / ood | arm − SFT, in-domain | arm − SFT, ood "
                        + "| arm − SFT continued, in / ood |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (long seed : seeds) {
            Map<StudyArm, JsonNode> byArm = results.getOrDefault(seed, Map.of());
            for (StudyArm arm : arms) {
                JsonNode d = deltas.getOrDefault(seed, Map.of()).get(arm);
                if (arm == StudyArm.SFT || d == null) {
                    continue;
                }
                JsonNode more = versusSftMore.getOrDefault(seed, Map.of()).get(arm);
                md.append("| ")
                        .append(seed)
                        .append(" | ")
                        .append(arm.label())
                        .append(" | ")
                        .append(f1Pair(byArm.get(StudyArm.SFT)))
                        .append(" | ")
                        .append(f1Pair(byArm.get(arm)))
                        .append(" | ")
                        .append(difference(d, "in_domain"))
                        .append(" | ")
                        .append(difference(d, "ood"))
                        .append(" | ")
                        .append(more == null ? "" : difference(more, "in_domain") + " / " + difference(more, "ood"))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    private static String f1Pair(JsonNode evaluation) {
        JsonNode in = at(evaluation, "in_domain", "f1");
        JsonNode ood = at(evaluation, "ood", "f1");
        return in == null || ood == null
                ? "—"
                : String.format(java.util.Locale.ROOT, "%.3f / %.3f", in.asDouble(), ood.asDouble());
    }

    private static String difference(JsonNode demoDeltas, String split) {
        JsonNode f1 = demoDeltas.path(split).path("f1");
        if (!f1.path("delta").isNumber()) {
            return "—";
        }
        return String.format(
                java.util.Locale.ROOT,
                "%+.3f [%+.3f, %+.3f]",
                f1.get("delta").asDouble(),
                f1.path("ci_low").asDouble(Double.NaN),
                f1.path("ci_high").asDouble(Double.NaN));
    }

    /** How each RL run's diagnostics moved, per seed and as a mean across seeds. */
    private void trendTable(StringBuilder md) {
        if (trends.isEmpty()) {
            return;
        }
        md.append("## What moved during RL: fitted change from the first to the last learner step, 95% interval\n\n")
                .append("| seed | arm | steps |");
        TREND_KEYS.forEach(k -> md.append(' ').append(k).append(" |"));
        md.append("\n|---|---|---|");
        TREND_KEYS.forEach(k -> md.append("---|"));
        md.append('\n');
        for (StudyArm arm : arms) {
            List<Long> withSteps = seeds.stream()
                    .filter(seed -> trend(seed, arm, TREND_KEYS.get(0)) != null)
                    .toList();
            for (long seed : withSteps) {
                md.append("| ")
                        .append(seed)
                        .append(" | ")
                        .append(arm.label())
                        .append(" | ")
                        .append(trend(seed, arm, TREND_KEYS.get(0)).n())
                        .append(" |");
                TREND_KEYS.forEach(
                        k -> md.append(' ').append(trend(seed, arm, k).text()).append(" |"));
                md.append('\n');
            }
            if (withSteps.size() > 1) {
                md.append("| mean | ").append(arm.label()).append(" | |");
                for (String k : TREND_KEYS) {
                    List<Double> changes = withSteps.stream()
                            .map(seed -> trend(seed, arm, k).change())
                            .filter(c -> !Double.isNaN(c))
                            .toList();
                    md.append(' ').append(SeedInterval.of(changes).text()).append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    private void plot(String metric, String title) throws IOException {
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        for (StudyArm arm : arms) {
            Map<String, Double> bySplit = new LinkedHashMap<>();
            for (String split : SPLITS) {
                SeedInterval i = SeedInterval.of(values(arm, split, metric));
                if (!Double.isNaN(i.mean())) {
                    bySplit.put(split.replace('_', '-'), i.mean());
                }
            }
            if (!bySplit.isEmpty()) {
                bars.put(arm.label(), bySplit);
            }
        }
        if (!bars.isEmpty()) {
            Charts.bars(dir.resolve(metric + ".png"), title, metric, bars);
        }
    }
}
