package dev.dipr1.demo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.common.AtomicFiles;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.ImageScore;
import dev.dipr1.policy.Metrics;
import dev.dipr1.policy.PairedBootstrap;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** What a demo run measured: report.json, report.md and the plots. */
public final class DemoReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** For the report's own rows: record components in camelCase, JSON fields in snake_case. */
    private static final ObjectMapper SNAKE =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path dir;
    private final ObjectNode root = JSON.createObjectNode();
    private final Map<String, EvalResult[]> evals = new LinkedHashMap<>();
    private final Map<String, Evaluation[]> evaluations = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, PairedBootstrap.Delta>>> deltas = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private List<StepStats> history = List.of();
    private List<GreedyProbe.Point> probe = List.of();

    DemoReport(Path dir, long seed, DemoSettings settings) {
        this.dir = dir;
        root.put("seed", seed);
        root.put("steps", 0);
        root.set("settings", JSON.valueToTree(settings));
    }

    /** What RL ran with, so a report says which rewards and learner settings its numbers come from. */
    void rlSettings(RewardConfig rewards, SamplingSettings sampling, LearnerSettings learner) {
        ObjectNode n = root.putObject("rl_settings");
        n.set("rewards", tree(rewards.toJson()));
        n.set("sampling", SNAKE.valueToTree(sampling));
        ObjectNode l = n.putObject("learner");
        l.put("batch_groups", learner.batchGroups());
        l.put("inner_iterations", learner.innerIterations());
        l.put("learning_rate", learner.learningRate());
        l.set("loss", SNAKE.valueToTree(learner.loss()));
    }

    /**
     * What the two SFT runs trained with: {@code sft}, the warm start (null: the run was given its SFT checkpoint), and
     * {@code sft_more}, SFT continued (null: not run).
     */
    void sftSettings(SftSettings warmStart, SftSettings continued) {
        ObjectNode n = root.putObject("sft_settings");
        if (warmStart != null) {
            n.set("sft", SNAKE.valueToTree(warmStart));
        }
        if (continued != null) {
            n.set("sft_more", SNAKE.valueToTree(continued));
        }
    }

    void note(String key, String value) {
        notes.put(key, value);
    }

    void sft(Evaluation inDomain, Evaluation ood) {
        put("sft", inDomain, ood);
    }

    void rl(Evaluation inDomain, Evaluation ood) {
        put("rl", inDomain, ood);
    }

    void sftMore(Evaluation inDomain, Evaluation ood) {
        put("sft_more", inDomain, ood);
    }

    private void put(String key, Evaluation inDomain, Evaluation ood) {
        evaluations.put(key, new Evaluation[] {inDomain, ood});
        put(key, inDomain.result(), ood.result());
    }

    /** An evaluation without per-image records (no confidence intervals for it). */
    void put(String key, EvalResult inDomain, EvalResult ood) {
        evals.put(key, new EvalResult[] {inDomain, ood});
        ObjectNode n = root.putObject(key);
        n.set("in_domain", tree(inDomain.toJson()));
        n.set("ood", tree(ood.toJson()));
    }

    /** The RL phase: its learner steps, how long it ran, what was generated and what the learner dropped. */
    void rlRun(List<StepStats> history, double seconds, long groupsGenerated, LearnerCounters dropped, int groupSize) {
        this.history = history;
        root.put("steps", history.size());
        root.set("throughput", SNAKE.valueToTree(Throughput.of(history, seconds, groupsGenerated, dropped, groupSize)));
    }

    /** The sampled-versus-greedy accuracy reward during RL ({@link GreedyProbe}). */
    void greedyProbe(List<GreedyProbe.Point> points) {
        this.probe = List.copyOf(points);
        root.set("greedy_probe", SNAKE.valueToTree(points));
    }

    void totalSeconds(double s) {
        root.put("total_seconds", s);
    }

    void peakResidentMb(long mb) {
        root.put("peak_resident_mb", mb);
    }

    // A record's own JSON as it is: EvalResult's rounds to 6 decimals, which the report has always carried exactly;
    // RewardConfig's is what the reward stream reads back.
    private static JsonNode tree(String ownJson) {
        try {
            return JSON.readTree(ownJson);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The comparisons of report.json's {@code deltas}: (name, policy B, policy A) for B − A. */
    static final List<String[]> COMPARISONS = List.of(
            new String[] {"rl_vs_sft", "rl", "sft"},
            new String[] {"rl_vs_sft_more", "rl", "sft_more"},
            new String[] {"sft_more_vs_sft", "sft_more", "sft"});

    /** The metrics compared in {@code deltas}, each with a paired-bootstrap 95% interval over images. */
    static final Map<String, ToDoubleFunction<List<ImageScore>>> DELTA_METRICS =
            Map.of("f1", Metrics.F1, "ap50", Metrics.AP50, "ap", Metrics.AP);

    /**
     * {@code deltas: {rl_vs_sft, rl_vs_sft_more, sft_more_vs_sft} × {in_domain, ood} × {f1, ap50, ap}:
     * {delta, ci_low, ci_high}}, for the pairs of policies both evaluated image by image.
     */
    private void computeDeltas() {
        deltas.clear();
        ObjectNode out = root.putObject("deltas");
        for (String[] c : COMPARISONS) {
            Evaluation[] b = evaluations.get(c[1]);
            Evaluation[] a = evaluations.get(c[2]);
            if (a == null || b == null) {
                continue;
            }
            ObjectNode cn = out.putObject(c[0]);
            Map<String, Map<String, PairedBootstrap.Delta>> bySplit = new LinkedHashMap<>();
            for (int s = 0; s < 2; s++) {
                String split = s == 0 ? "in_domain" : "ood";
                ObjectNode sn = cn.putObject(split);
                Map<String, PairedBootstrap.Delta> byMetric = new LinkedHashMap<>();
                for (String m : List.of("f1", "ap50", "ap")) {
                    PairedBootstrap.Delta d = PairedBootstrap.delta(a[s], b[s], DELTA_METRICS.get(m));
                    byMetric.put(m, d);
                    sn.putObject(m)
                            .put("delta", d.delta())
                            .put("ci_low", d.ciLow())
                            .put("ci_high", d.ciHigh());
                }
                bySplit.put(split, byMetric);
            }
            deltas.put(c[0], bySplit);
        }
    }

    void write() throws IOException {
        computeDeltas();
        ObjectNode n = root.putObject("notes");
        notes.forEach(n::put);
        root.set(
                "learner_steps",
                SNAKE.valueToTree(history.stream().map(StepRow::of).toList()));
        // replaced whole: dipr1 study takes an existing report.json for a finished run (StudyRun)
        AtomicFiles.write(dir.resolve("report.json"), JSON.writeValueAsBytes(root));
        plots();
        Files.writeString(dir.resolve("report.md"), markdown());
    }

    private void plots() throws IOException {
        if (!history.isEmpty()) {
            Map<String, List<Double>> rewards = new LinkedHashMap<>();
            rewards.put("format", history.stream().map(StepStats::rewardFormat).toList());
            rewards.put("look", history.stream().map(StepStats::rewardLook).toList());
            rewards.put(
                    "accuracy", history.stream().map(StepStats::rewardAccuracy).toList());
            rewards.put(
                    "total / 3", history.stream().map(s -> s.rewardTotal() / 3).toList());
            Charts.lines(
                    dir.resolve("rewards.png"), "Mean reward of each learner batch", "learner step", "reward", rewards);
            diagnostics();
            Map<String, Map<String, Double>> stale = new LinkedHashMap<>();
            Map<String, Double> counts = new TreeMap<>();
            history.forEach(s -> s.stalenessHistogram()
                    .forEach((v, n) -> counts.merge(String.format("%02d", v), n.doubleValue(), Double::sum)));
            stale.put("groups", counts);
            Charts.bars(
                    dir.resolve("staleness.png"),
                    "Staleness of trained groups (policy versions behind)",
                    "groups",
                    stale);
        }
        if (!probe.isEmpty()) {
            Charts.xy(
                    dir.resolve("greedy_vs_sampled.png"),
                    "Accuracy reward: sampled completions vs greedy answers on " + RlLoop.PROBE_IMAGES
                            + " training prompts",
                    "learner step",
                    "accuracy reward",
                    Map.of(
                            "sampled (the step's batch)",
                            probe.stream()
                                    .map(p -> new double[] {p.step(), p.sampledAccuracy()})
                                    .toList(),
                            "greedy (probe)",
                            probe.stream()
                                    .map(p -> new double[] {p.step(), p.greedyAccuracy()})
                                    .toList()));
        }
        Map<String, Map<String, Double>> f1 = new LinkedHashMap<>();
        evals.forEach((name, r) -> {
            Map<String, Double> bySplit = new LinkedHashMap<>();
            bySplit.put("in-domain", r[0].f1());
            bySplit.put("ood", r[1].f1());
            f1.put(name, bySplit);
        });
        Charts.bars(dir.resolve("f1.png"), "F1 at IoU 0.5 (greedy)", "F1", f1);
    }

    /** The learner's per-step diagnostics, one chart each (their scales differ by orders of magnitude). */
    private void diagnostics() throws IOException {
        Charts.lines(
                dir.resolve("entropy.png"),
                "Token entropy of the policy on its batch",
                "learner step",
                "nats per token",
                Map.of("entropy", history.stream().map(StepStats::entropy).toList()));
        Charts.lines(
                dir.resolve("grad_norm.png"),
                "Gradient norm before clipping",
                "learner step",
                "global L2 norm",
                Map.of("grad norm", history.stream().map(StepStats::gradNorm).toList()));
        Charts.lines(
                dir.resolve("kl.png"),
                "KL to the reference policy (k3)",
                "learner step",
                "nats per token",
                Map.of("KL", history.stream().map(StepStats::kl).toList()));
        Charts.lines(
                dir.resolve("clip_fraction.png"),
                "Fraction of tokens whose ratio left [1 - eps, 1 + eps]",
                "learner step",
                "fraction",
                Map.of(
                        "clip fraction",
                        history.stream().map(StepStats::clipRatio).toList()));
        Map<String, List<Double>> spread = new LinkedHashMap<>();
        spread.put("format", history.stream().map(StepStats::stdFormat).toList());
        spread.put("look", history.stream().map(StepStats::stdLook).toList());
        spread.put("accuracy", history.stream().map(StepStats::stdAccuracy).toList());
        Charts.lines(
                dir.resolve("reward_std.png"),
                "Within-group std of each reward (mean over the batch's groups)",
                "learner step",
                "std",
                spread);
    }

    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# DIP-R1 demo, seed ").append(root.get("seed").asLong()).append("\n\n");
        md.append(
                "| policy | split | format | precision | recall | F1@0.5 | AP50 | AP@[.5:.95] | mean IoU | count MAE |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        evals.forEach((name, r) -> {
            for (EvalResult e : r) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.3f | %.3f | %.3f | **%.3f** | %.3f | %.3f | %.3f | %.2f |%n",
                        name,
                        e.split(),
                        e.formatRate(),
                        e.precision(),
                        e.recall(),
                        e.f1(),
                        e.ap50(),
                        e.ap(),
                        e.meanIou(),
                        e.countMae()));
            }
        });
        if (!deltas.isEmpty()) {
            md.append("\nDifferences with paired-bootstrap 95% intervals over images (")
                    .append(PairedBootstrap.DEFAULT_RESAMPLES)
                    .append(" resamples, seed ")
                    .append(PairedBootstrap.DEFAULT_SEED)
                    .append(
                            "):\n\n| comparison | split | ΔF1@0.5 | ΔAP50 | ΔAP@[.5:.95] |\n| --- | --- | --- | --- | --- |\n");
            deltas.forEach((name, bySplit) -> bySplit.forEach((split, byMetric) -> md.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(split)
                    .append(" | ")
                    .append(text(byMetric.get("f1")))
                    .append(" | ")
                    .append(text(byMetric.get("ap50")))
                    .append(" | ")
                    .append(text(byMetric.get("ap")))
                    .append(" |\n")));
        }
        md.append('\n').append(summary()).append("\n\n");
        JsonNode t = root.get("throughput");
        if (t != null) {
            md.append("## Throughput\n\n");
            t.properties()
                    .forEach(e -> md.append("- ")
                            .append(e.getKey())
                            .append(": ")
                            .append(
                                    e.getValue().isDouble()
                                            ? String.format(
                                                    Locale.ROOT,
                                                    "%.2f",
                                                    e.getValue().asDouble())
                                            : e.getValue().asText())
                            .append('\n'));
        }
        md.append("\n- peak resident memory: ")
                .append(root.path("peak_resident_mb").asLong())
                .append(" MB\n");
        md.append("- total wall time: ")
                .append(String.format(
                        Locale.ROOT, "%.0f s", root.path("total_seconds").asDouble()))
                .append("\n\n");
        md.append("## Plots\n\n![rewards](rewards.png)\n\n![F1](f1.png)\n\n![staleness](staleness.png)\n\n"
                + "![greedy vs sampled](greedy_vs_sampled.png)\n\n![SFT loss](sft_loss.png)\n\n");
        if (!history.isEmpty()) {
            md.append("### Learner diagnostics\n\n![entropy](entropy.png)\n\n![gradient norm](grad_norm.png)\n\n"
                    + "![KL](kl.png)\n\n![clip fraction](clip_fraction.png)\n\n"
                    + "![reward std within groups](reward_std.png)\n\n");
        }
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(
                    (k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return md.toString();
    }

    private static String text(PairedBootstrap.Delta d) {
        return String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", d.delta(), d.ciLow(), d.ciHigh());
    }

    /** The few lines a person reads at the end of the run. */
    public String summary() {
        List<String> lines = new ArrayList<>();
        EvalResult[] sft = evals.get("sft");
        EvalResult[] rl = evals.get("rl");
        EvalResult[] more = evals.get("sft_more");
        if (sft != null && rl != null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "F1@0.5 in-domain: SFT %.3f -> RL %.3f (%+.3f)%s",
                    sft[0].f1(),
                    rl[0].f1(),
                    rl[0].f1() - sft[0].f1(),
                    more == null ? "" : String.format(Locale.ROOT, "; more SFT %.3f", more[0].f1())));
            lines.add(String.format(
                    Locale.ROOT,
                    "F1@0.5 ood:       SFT %.3f -> RL %.3f (%+.3f)%s",
                    sft[1].f1(),
                    rl[1].f1(),
                    rl[1].f1() - sft[1].f1(),
                    more == null ? "" : String.format(Locale.ROOT, "; more SFT %.3f", more[1].f1())));
        }
        deltas.forEach((name, bySplit) -> bySplit.forEach((split, byMetric) ->
                lines.add(String.format(Locale.ROOT, "%-16s %-9s ΔF1 %s", name, split, text(byMetric.get("f1"))))));
        lines.add("learner steps: " + root.path("steps").asLong() + "; report: " + dir.resolve("report.md"));
        return String.join("\n", lines);
    }

    /** The {@code throughput} object of report.json. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Throughput(
            double rlSeconds,
            long groupsGenerated,
            double generatorGroupsPerS,
            double generatorSamplesPerS,
            int learnerSteps,
            long learnerSamples,
            double learnerSamplesPerS,
            double learnerStepSecondsMean,
            double groupsDroppedStale,
            double groupsDroppedZeroVariance,
            double groupsDroppedDuplicate,
            Long finalPolicyVersion) {

        static Throughput of(
                List<StepStats> history, double seconds, long groupsGenerated, LearnerCounters dropped, int groupSize) {
            long samples = history.stream().mapToLong(StepStats::samples).sum();
            return new Throughput(
                    seconds,
                    groupsGenerated,
                    groupsGenerated / seconds,
                    groupsGenerated * groupSize / seconds,
                    history.size(),
                    samples,
                    samples / seconds,
                    history.stream().mapToDouble(StepStats::seconds).average().orElse(0),
                    dropped.droppedStale(),
                    dropped.droppedZeroVariance(),
                    dropped.droppedDuplicate(),
                    history.isEmpty() ? null : history.get(history.size() - 1).policyVersion());
        }
    }

    /** One element of {@code learner_steps} in report.json. */
    record StepRow(
            long step,
            long policyVersion,
            double lossPolicy,
            double lossKl,
            double clipRatio,
            double rewardFormat,
            double rewardLook,
            double rewardAccuracy,
            double rewardTotal,
            double seconds,
            double entropy,
            double gradNorm,
            double stdFormat,
            double stdLook,
            double stdAccuracy,
            Map<Long, Integer> stalenessHistogram) {

        static StepRow of(StepStats s) {
            return new StepRow(
                    s.step(),
                    s.policyVersion(),
                    s.policyLoss(),
                    s.kl(),
                    s.clipRatio(),
                    s.rewardFormat(),
                    s.rewardLook(),
                    s.rewardAccuracy(),
                    s.rewardTotal(),
                    s.seconds(),
                    s.entropy(),
                    s.gradNorm(),
                    s.stdFormat(),
                    s.stdLook(),
                    s.stdAccuracy(),
                    s.stalenessHistogram());
        }
    }
}
