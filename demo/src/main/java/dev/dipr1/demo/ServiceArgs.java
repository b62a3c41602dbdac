package dev.dipr1.demo;

import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of each child service ({@code dipr1 learner|generator|rewards|sft}) that runs
 * exactly the given settings: the one mapping from typed settings to arguments. The launcher's tests
 * parse these back with the real command line and compare.
 */
public final class ServiceArgs {

    private final List<String> kafka;

    /** Arguments for services that talk to the broker at {@code bootstrapServers} with {@code topicPrefix}. */
    public ServiceArgs(String bootstrapServers, String topicPrefix) {
        this.kafka = List.of("--bootstrap-servers", bootstrapServers, "--topic-prefix", topicPrefix);
    }

    /**
     * {@code dipr1 learner}: starts from {@code checkpoint} (also the KL reference) and reports back
     * through {@code statusDir} (see {@link LearnerStatusDir}).
     */
    public List<String> learner(Path checkpoint, LearnerSettings s, Path statusDir) {
        List<String> a = start("learner");
        add(a, "--checkpoint", checkpoint);
        add(a, "--learner-checkpoint", s.checkpointPath());
        add(a, "--policy-dir", s.policyDir());
        add(a, "--status-dir", statusDir);
        add(a, "--batch-groups", s.batchGroups());
        add(a, "--inner-iterations", s.innerIterations());
        add(a, "--lr", s.learningRate());
        add(a, "--clip-epsilon", s.loss().clipEpsilon());
        add(a, "--beta", s.loss().beta());
        add(a, "--max-staleness", s.maxStaleness());
        add(a, "--publish-every", s.publishEvery());
        add(a, "--checkpoint-every", s.checkpointEvery());
        add(a, "--inline-limit", s.inlineLimit());
        add(a, "--max-steps", s.maxSteps());
        add(a, "--recent-group-ids", s.recentGroupIds());
        flag(a, "--keep-zero-variance", !s.skipZeroVariance());
        flag(a, "--start-at-end", s.startAtEnd());
        return a;
    }

    /** {@code dipr1 generator} sampling with {@code s}, starting from {@code checkpoint}. */
    public List<String> generator(Path checkpoint, GeneratorSettings s) {
        List<String> a = start("generator");
        add(a, "--checkpoint", checkpoint);
        add(a, "--id", s.generatorId());
        add(a, "--group-size", s.groupSize());
        add(a, "--temperature", s.temperature());
        add(a, "--top-p", s.topP());
        add(a, "--max-tokens", s.maxTokens());
        add(a, "--sampler-seed", s.seed());
        add(a, "--max-groups-per-version", s.maxGroupsPerVersion());
        add(a, "--lead-versions", s.leadVersions());
        add(a, "--version-share", s.versionShare());
        add(a, "--prompts-per-batch", s.promptsPerBatch());
        if (s.weightsDir() != null) {
            add(a, "--weights-dir", s.weightsDir());
        }
        EngineSettings e = s.engine();
        add(a, "--engine", e.kind().label());
        if (e.endpoint() != null) {
            add(a, "--endpoint", e.endpoint());
        }
        add(a, "--model", e.model());
        add(a, "--weights-update", e.weightsUpdate().label());
        add(a, "--max-in-flight", e.maxInFlight());
        add(a, "--request-timeout", e.requestTimeout().toSeconds()); // whole seconds on the command line
        add(a, "--retries", e.retries());
        return a;
    }

    /** {@code dipr1 rewards} scoring with {@code r}, keeping its Kafka Streams state in {@code stateDir}. */
    public List<String> rewards(Path stateDir, RewardConfig r) {
        List<String> a = start("rewards");
        add(a, "--state-dir", stateDir);
        add(a, "--iou", r.iouThreshold());
        add(a, "--weights-pr", r.weightPrecision() + "," + r.weightRecall());
        add(a, "--cluster-iou", r.clusterIou());
        add(a, "--uncertainty", r.uncertaintyThreshold());
        add(a, "--max-look-area", r.maxLookAreaFraction());
        add(a, "--lambda", r.lambdaFormat() + "," + r.lambdaLook() + "," + r.lambdaAccuracy());
        add(a, "--epsilon", r.epsilon());
        flag(a, "--hard", !r.soft());
        flag(a, "--no-std-scaling", !r.scaleByStd());
        add(a, "--accuracy", r.accuracyForm().label());
        return a;
    }

    /**
     * {@code dipr1 sft} training with {@code s} from {@code init} (null: fresh weights) into {@code out},
     * drawing the loss curve to {@code plot} (null: next to {@code out}).
     */
    public static List<String> sft(Path init, SftSettings s, Path out, Path plot) {
        List<String> a = new ArrayList<>(List.of("sft"));
        if (init != null) {
            add(a, "--init", init);
        }
        add(a, "--seed", s.seed());
        add(a, "--out", out);
        add(a, "--steps", s.steps());
        add(a, "--batch", s.batchSize());
        add(a, "--lr", s.lr());
        add(a, "--warmup", s.warmupSteps());
        add(a, "--max-minutes", s.maxMinutes());
        add(a, "--train-scenes", s.trainScenes());
        add(a, "--validate-every", s.validateEvery());
        add(a, "--validation-images", s.validationImages());
        add(a, "--ema-decay", s.emaDecay());
        add(a, "--shift", s.shiftPixels());
        if (plot != null) {
            add(a, "--plot", plot);
        }
        return a;
    }

    private List<String> start(String command) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(kafka);
        return a;
    }

    // String.valueOf of a float or double prints the shortest text that parses back to the same value.
    private static void add(List<String> args, String option, Object value) {
        args.add(option);
        args.add(String.valueOf(value));
    }

    private static void flag(List<String> args, String option, boolean on) {
        if (on) {
            args.add(option);
        }
    }
}
