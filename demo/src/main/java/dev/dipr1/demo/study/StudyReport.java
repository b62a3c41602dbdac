package dev.dipr1.demo.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * plus the per-seed difference to the SFT start of the same seed. Writes {@code study.json},
 * {@code study.md} and {@code f1.png}, {@code ap.png}.
 */
public final class StudyReport {

    /** The test splits, as keys of a demo report. */
    public static final List<String> SPLITS = List.of("in_domain", "ood");

    /** The metrics of the markdown table, in its order (study.json carries every metric). */
    public static final List<String> TABLE_METRICS = List.of("f1", "ap50", "ap", "precision", "recall", "format_rate");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final List<Long> seeds;
    private final List<StudyArm> arms;
    private final ObjectNode settings;
    // seed -> arm -> {in_domain: {metric: value}, ood: {...}}
    private final Map<Long, Map<StudyArm, JsonNode>> results = new LinkedHashMap<>();
    // seed -> arm -> that demo's own paired-bootstrap deltas, when it wrote them
    private final Map<Long, Map<StudyArm, JsonNode>> deltas = new LinkedHashMap<>();

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
        JSON.writeValue(dir.resolve("study.json").toFile(), json());
        Files.writeString(dir.resolve("study.md"), markdown());
        plot("f1", "F1 at IoU 0.5 (greedy), mean over seeds");
        plot("ap", "AP@[.5:.95], mean over seeds");
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.putPOJO("seeds", seeds);
        root.putPOJO("arms", arms.stream().map(StudyArm::label).toList());
        root.set("settings", settings);
        ObjectNode runs = root.putObject("runs");
        results.forEach((seed, byArm) -> {
            ObjectNode s = runs.putObject(Long.toString(seed));
            byArm.forEach((arm, r) -> s.set(arm.label(), r));
        });
        ObjectNode demoDeltas = root.putObject("demo_deltas");
        deltas.forEach((seed, byArm) -> {
            ObjectNode s = demoDeltas.putObject(Long.toString(seed));
            byArm.forEach((arm, d) -> s.set(arm.label(), d));
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
        return md.toString();
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
