package dev.dipr1.demo.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The results of a study: every seed's evaluation of every arm (as its demo report wrote it), and
 * per arm, split and metric the mean across seeds with a 95% t-interval ({@link SeedInterval}),
 * plus the per-seed difference to the SFT start of the same seed; each seed's own paired-bootstrap
 * differences; how the RL run's per-step diagnostics moved ({@link RunTrend}); and, when an arm ran
 * more than once per seed, how far its runs land apart ({@link RunSpread}). Writes {@code study.json},
 * {@code study.md} and {@code f1.png}, {@code ap.png}.
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
    // seed -> arm -> its runs in the order they ran (more than one with dipr1 study --repeats)
    private final Map<Long, Map<StudyArm, List<ArmRun>>> runs = new LinkedHashMap<>();

    /** One run of one arm on one seed, as its demo report wrote it. */
    private static final class ArmRun {
        final JsonNode evaluation; // {in_domain: {metric: value}, ood: {...}}
        final JsonNode deltas; // that demo's own paired-bootstrap deltas, or null
        JsonNode versusSftMore; // that RL run against SFT continued of the same seed, or null
        Map<String, RunTrend> trends; // diagnostic -> its trend over the RL run, or null

        ArmRun(JsonNode evaluation, JsonNode deltas) {
            this.evaluation = evaluation;
            this.deltas = deltas;
        }
    }

    public StudyReport(Path dir, List<Long> seeds, List<StudyArm> arms, ObjectNode settings) {
        this.dir = dir;
        this.seeds = List.copyOf(seeds);
        this.arms = List.copyOf(arms);
        this.settings = settings;
    }

    /**
     * The evaluation {@code {in_domain: {…}, ood: {…}}} of one more run of {@code arm} on {@code seed}; a
     * seed's value of an arm is the mean over its runs.
     */
    public void add(long seed, StudyArm arm, JsonNode evaluation, JsonNode demoDeltas) {
        if (evaluation == null || evaluation.isMissingNode() || evaluation.isNull()) {
            throw new IllegalArgumentException("no evaluation of " + arm.label() + " for seed " + seed);
        }
        boolean hasDeltas = demoDeltas != null && !demoDeltas.isMissingNode() && !demoDeltas.isNull();
        runs.computeIfAbsent(seed, s -> new LinkedHashMap<>())
                .computeIfAbsent(arm, a -> new ArrayList<>())
                .add(new ArmRun(evaluation, hasDeltas ? demoDeltas : null));
    }

    /**
     * What the latest RL run of {@code arm} on {@code seed} logged: its learner steps (the trends of
     * {@link #TREND_KEYS}) and its paired-bootstrap difference to SFT continued, either may be
     * missing.
     */
    public void addRun(long seed, StudyArm arm, JsonNode learnerSteps, JsonNode rlVersusSftMore) {
        List<ArmRun> of = runsOf(seed, arm);
        if (of.isEmpty()) {
            throw new IllegalStateException("add the evaluation of " + arm.label() + " on seed " + seed + " first");
        }
        ArmRun run = of.get(of.size() - 1);
        if (learnerSteps != null && learnerSteps.isArray()) {
            Map<String, RunTrend> byKey = new LinkedHashMap<>();
            for (String key : TREND_KEYS) {
                List<Double> series = new ArrayList<>();
                learnerSteps.forEach(step ->
                        series.add(step.path(key).isNumber() ? step.get(key).asDouble() : Double.NaN));
                byKey.put(key, RunTrend.of(series));
            }
            run.trends = byKey;
        }
        if (rlVersusSftMore != null && rlVersusSftMore.isObject()) {
            run.versusSftMore = rlVersusSftMore;
        }
    }

    private List<ArmRun> runsOf(long seed, StudyArm arm) {
        return runs.getOrDefault(seed, Map.of()).getOrDefault(arm, List.of());
    }

    /** The trend of one diagnostic of one arm's first RL run on one seed, or null when it did not log steps. */
    public RunTrend trend(long seed, StudyArm arm, String key) {
        return trend(seed, arm, 0, key);
    }

    /** The trend of one diagnostic of run {@code run} (from 0) of one arm on one seed, or null. */
    public RunTrend trend(long seed, StudyArm arm, int run, String key) {
        List<ArmRun> of = runsOf(seed, arm);
        return run < of.size() && of.get(run).trends != null
                ? of.get(run).trends.get(key)
                : null;
    }

    /** The values of one metric of one arm and split, one per seed that has it (the mean of its runs). */
    public List<Double> values(StudyArm arm, String split, String metric) {
        List<Double> out = new ArrayList<>();
        for (long seed : seeds) {
            Double v = seedValue(seed, arm, split, metric);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Per seed, this arm's metric minus the SFT start's, for the seeds that have both. */
    public List<Double> differencesToSft(StudyArm arm, String split, String metric) {
        List<Double> out = new ArrayList<>();
        for (long seed : seeds) {
            Double a = seedValue(seed, arm, split, metric);
            Double s = seedValue(seed, StudyArm.SFT, split, metric);
            if (a != null && s != null) {
                out.add(a - s);
            }
        }
        return out;
    }

    /** Per seed, the metric of each run of {@code arm}. */
    public List<List<Double>> runValues(StudyArm arm, String split, String metric) {
        return seeds.stream().map(seed -> runValues(seed, arm, split, metric)).toList();
    }

    /** The metric of each run of {@code arm} on {@code seed} that has it. */
    private List<Double> runValues(long seed, StudyArm arm, String split, String metric) {
        List<Double> of = new ArrayList<>();
        for (ArmRun run : runsOf(seed, arm)) {
            JsonNode v = at(run.evaluation, split, metric);
            if (v != null) {
                of.add(v.asDouble());
            }
        }
        return of;
    }

    /** The mean of the metric over the runs of {@code arm} on {@code seed}, or null when none has it. */
    private Double seedValue(long seed, StudyArm arm, String split, String metric) {
        List<Double> of = runValues(seed, arm, split, metric);
        return of.isEmpty()
                ? null
                : of.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** Every run of every arm on every seed. */
    private Stream<ArmRun> allRuns() {
        return runs.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream);
    }

    /** Whether some arm ran more than once on some seed. */
    private boolean repeated() {
        return runs.values().stream().flatMap(m -> m.values().stream()).anyMatch(l -> l.size() > 1);
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

    /** Per seed and arm, what {@code of} makes of that arm's runs on that seed (left out where it gives null). */
    private void putBySeedAndArm(ObjectNode into, Function<List<ArmRun>, JsonNode> of) {
        runs.forEach((seed, byArm) -> {
            ObjectNode s = JSON.createObjectNode();
            byArm.forEach((arm, list) -> {
                JsonNode node = of.apply(list);
                if (node != null) {
                    s.set(arm.label(), node);
                }
            });
            if (!s.isEmpty()) {
                into.set(Long.toString(seed), s);
            }
        });
    }

    /** The runs' evaluations, with every number the mean over the runs (the one run's evaluation when alone). */
    private static JsonNode meanEvaluation(List<ArmRun> list) {
        if (list.size() == 1) {
            return list.get(0).evaluation;
        }
        ObjectNode mean = JSON.createObjectNode();
        for (String split : SPLITS) {
            ObjectNode sp = mean.putObject(split);
            list.get(0).evaluation.path(split).fieldNames().forEachRemaining(m -> {
                List<JsonNode> vs =
                        list.stream().map(r -> at(r.evaluation, split, m)).toList();
                if (vs.stream().allMatch(Objects::nonNull)) {
                    sp.put(
                            m,
                            vs.stream()
                                    .mapToDouble(JsonNode::asDouble)
                                    .average()
                                    .orElseThrow());
                }
            });
        }
        return mean;
    }

    /** A run's trends as study.json writes them, or null for a run that logged no steps. */
    private static ObjectNode trendJson(Map<String, RunTrend> byKey) {
        if (byKey == null) {
            return null;
        }
        ObjectNode a = JSON.createObjectNode();
        byKey.forEach((key, t) -> {
            ObjectNode n = a.putObject(key);
            n.put("steps", t.n());
            n.put("change", t.change());
            n.put("ci_low", t.low());
            n.put("ci_high", t.high());
        });
        return a;
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.putPOJO("seeds", seeds);
        root.putPOJO("arms", arms.stream().map(StudyArm::label).toList());
        root.set("settings", settings);
        // a seed's value of an arm, what the summary aggregates; the first run's details beside it
        putBySeedAndArm(root.putObject("runs"), StudyReport::meanEvaluation);
        putBySeedAndArm(root.putObject("demo_deltas"), l -> l.get(0).deltas);
        putBySeedAndArm(root.putObject("rl_vs_sft_more"), l -> l.get(0).versusSftMore);
        putBySeedAndArm(root.putObject("trends"), l -> trendJson(l.get(0).trends));
        if (repeated()) {
            putBySeedAndArm(root.putObject("repeats"), l -> {
                ArrayNode each = JSON.createArrayNode();
                for (ArmRun r : l) {
                    ObjectNode n = each.addObject();
                    n.set("evaluation", r.evaluation);
                    n.set("demo_deltas", r.deltas);
                    n.set("rl_vs_sft_more", r.versusSftMore);
                    n.set("trends", trendJson(r.trends));
                }
                return each;
            });
            ObjectNode spread = root.putObject("run_to_run");
            for (StudyArm arm : arms) {
                ObjectNode a = JSON.createObjectNode();
                for (String split : SPLITS) {
                    ObjectNode sp = a.putObject(split);
                    for (String metric : metrics()) {
                        RunSpread rs = RunSpread.of(runValues(arm, split, metric));
                        if (rs.seeds() > 0) {
                            sp.putObject(metric)
                                    .put("sd", rs.sd())
                                    .put("runs", rs.runs())
                                    .put("seeds", rs.seeds());
                        }
                    }
                }
                if (!a.path("in_domain").isEmpty()) {
                    spread.set(arm.label(), a);
                }
            }
        }
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
        for (ArmRun run : allRuns().toList()) {
            JsonNode r = run.evaluation;
            for (Iterator<String> it = r.path("in_domain").fieldNames(); it.hasNext(); ) {
                String m = it.next();
                if (r.path("in_domain").get(m).isNumber() && !out.contains(m) && !m.equals("images")) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# DIP-R1 ablation study\n\n");
        md.append("Seeds ").append(seeds).append("; mean over seeds with a 95% t-interval across seeds");
        md.append(
                repeated()
                        ? "; a seed's value of an arm that ran more than once is the mean of its runs.\n\n"
                        : ".\n\n");
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
        runToRun(md);
        trendTable(md);
        return md.toString();
    }

    /** Each seed's own paired-bootstrap differences (over images), as each of its demo runs computed them. */
    private void perSeed(StringBuilder md) {
        if (allRuns().noneMatch(r -> r.deltas != null)) {
            return;
        }
        md.append("## Each seed: F1@0.5, paired-bootstrap 95% interval over images\n\n")
                .append("| seed | arm | SFT in / ood | arm in / ood | arm − SFT, in-domain | arm − SFT, ood "
                        + "| arm − SFT continued, in / ood |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (long seed : seeds) {
            List<ArmRun> sft = runsOf(seed, StudyArm.SFT);
            for (StudyArm arm : arms) {
                List<ArmRun> of = runsOf(seed, arm);
                for (int i = 0; arm != StudyArm.SFT && i < of.size(); i++) {
                    ArmRun run = of.get(i);
                    if (run.deltas == null) {
                        continue;
                    }
                    JsonNode more = run.versusSftMore;
                    md.append("| ")
                            .append(seed)
                            .append(" | ")
                            .append(runLabel(arm, i))
                            .append(" | ")
                            .append(sft.isEmpty() ? "—" : f1Pair(sft.get(0).evaluation))
                            .append(" | ")
                            .append(f1Pair(run.evaluation))
                            .append(" | ")
                            .append(difference(run.deltas, "in_domain"))
                            .append(" | ")
                            .append(difference(run.deltas, "ood"))
                            .append(" | ")
                            .append(more == null ? "" : difference(more, "in_domain") + " / " + difference(more, "ood"))
                            .append(" |\n");
                }
            }
        }
        md.append('\n');
    }

    /** {@code no_look} for an arm's first run, {@code no_look run 2} for its second. */
    private static String runLabel(StudyArm arm, int run) {
        return run == 0 ? arm.label() : arm.label() + " run " + (run + 1);
    }

    /** With repeats: how far runs of the same arm and seed land apart, beside the arms' differences. */
    private void runToRun(StringBuilder md) {
        if (!repeated()) {
            return;
        }
        md.append("## Run to run: the same settings from the same start, F1@0.5\n\n")
                .append("The SFT start of a seed is the same for all its runs; GRPO's runs differ because its "
                        + "generation is asynchronous. An arm-to-arm difference of one run per seed carries this "
                        + "spread on top of its interval over images.\n\n")
                .append("| arm | split | runs per seed | sd of one run, pooled within seeds |\n")
                .append("|---|---|---|---|\n");
        for (StudyArm arm : arms) {
            for (String split : SPLITS) {
                List<List<Double>> bySeed = runValues(arm, split, "f1");
                RunSpread spread = RunSpread.of(bySeed);
                if (spread.seeds() == 0) {
                    continue;
                }
                StringBuilder each = new StringBuilder();
                for (int i = 0; i < seeds.size(); i++) {
                    each.append(i == 0 ? "" : "; ")
                            .append(seeds.get(i))
                            .append(": ")
                            .append(String.join(
                                    ", ",
                                    bySeed.get(i).stream()
                                            .map(v -> String.format(java.util.Locale.ROOT, "%.3f", v))
                                            .toList()));
                }
                md.append("| ")
                        .append(arm.label())
                        .append(" | ")
                        .append(split.replace('_', '-'))
                        .append(" | ")
                        .append(each)
                        .append(" | ")
                        .append(spread.text())
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

    /** How each RL run's diagnostics moved, per run and as a mean across seeds. */
    private void trendTable(StringBuilder md) {
        if (allRuns().noneMatch(r -> r.trends != null)) {
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
                for (int i = 0; trend(seed, arm, i, TREND_KEYS.get(0)) != null; i++) {
                    int run = i;
                    md.append("| ")
                            .append(seed)
                            .append(" | ")
                            .append(runLabel(arm, run))
                            .append(" | ")
                            .append(trend(seed, arm, run, TREND_KEYS.get(0)).n())
                            .append(" |");
                    TREND_KEYS.forEach(k -> md.append(' ')
                            .append(trend(seed, arm, run, k).text())
                            .append(" |"));
                    md.append('\n');
                }
            }
            if (withSteps.size() > 1) {
                md.append("| mean | ").append(arm.label()).append(" | |");
                for (String k : TREND_KEYS) {
                    List<Double> changes = withSteps.stream()
                            .map(seed -> meanChange(seed, arm, k))
                            .filter(c -> !Double.isNaN(c))
                            .toList();
                    md.append(' ').append(SeedInterval.of(changes).text()).append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /** The mean over the runs of {@code arm} on {@code seed} of one diagnostic's change (NaN if never logged). */
    private double meanChange(long seed, StudyArm arm, String key) {
        return runsOf(seed, arm).stream()
                .filter(r -> r.trends != null)
                .mapToDouble(r -> r.trends.get(key).change())
                .filter(c -> !Double.isNaN(c))
                .average()
                .orElse(Double.NaN);
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
