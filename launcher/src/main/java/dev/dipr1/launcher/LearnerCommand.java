package dev.dipr1.launcher;

import dev.dipr1.learner.LearnerService;
import dev.dipr1.policy.Policy;
import dev.dipr1.topics.TopicAdmin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the GRPO learner. */
@Command(name = "learner", mixinStandardHelpOptions = true,
        description = "Run the GRPO learner: consume scored groups, train, publish policy updates, checkpoint "
                + "(a restart resumes from the checkpoint without skipping or repeating a group).")
final class LearnerCommand implements Callable<Integer> {

    @Mixin KafkaOptions kafka;
    @Mixin LearnerOptions options;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "Initial policy (the SFT checkpoint); also the frozen KL reference unless --reference is given.")
    Path checkpoint;

    @Option(names = "--reference", paramLabel = "FILE", description = "Reference policy for the KL term.")
    Path reference;

    @Option(names = "--learner-checkpoint", defaultValue = "learner.ckpt", paramLabel = "FILE",
            description = "Learner state; resumed from when it exists (default: ${DEFAULT-VALUE}).")
    Path learnerCheckpoint;

    @Option(names = "--policy-dir", defaultValue = "policies", paramLabel = "DIR",
            description = "Where policy updates over the inline limit are written (default: ${DEFAULT-VALUE}).")
    Path policyDir;

    @Option(names = "--advantages-topic", paramLabel = "TOPIC",
            description = "Train from this topic (e.g. a replay's) instead of the catalog's advantages topic.")
    String advantagesTopic;

    @Option(names = "--metrics-port", defaultValue = "0", description = "Prometheus metrics port (default: off).")
    int metricsPort;

    @Option(names = "--start-at-end",
            description = "Without a learner checkpoint, train only on groups that arrive from now on.")
    boolean startAtEnd;

    @Option(names = "--history", paramLabel = "FILE", description = "Append one JSON line per learner step here.")
    Path history;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Create this file once the learner has taken its start position (for orchestration).")
    Path readyFile;

    @Override
    public Integer call() throws Exception {
        TopicsCommand.requireBootstrap(kafka);
        String topic = advantagesTopic != null ? advantagesTopic : kafka.catalog().advantages().name();
        try (Admin admin = Admin.create(kafka.settings().asMap())) {
            new TopicAdmin(admin, kafka.replicationFactor).ensure(List.of(kafka.catalog().advantages().named(topic),
                    kafka.catalog().policy(), kafka.catalog().deadLetters()));
        }
        try (MetricsEndpoint metrics = new MetricsEndpoint(metricsPort);
                Policy ref = Policy.load(reference != null ? reference : checkpoint);
                LearnerService learner = new LearnerService(kafka.settings(), kafka.catalog(), topic,
                        Policy.load(checkpoint), ref, options.settings(learnerCheckpoint, policyDir, startAtEnd),
                        metrics.registry(), System::currentTimeMillis)) {
            Runtime.getRuntime().addShutdownHook(new Thread(learner::close, "learner-shutdown"));
            if (history != null) {
                learner.onStep(StepLog.appendingTo(history));
            }
            if (readyFile != null) {
                announceReady(learner, readyFile);
            }
            learner.run();
        }
        return 0;
    }

    /** Creates the file once the learner has taken its start position, so an orchestrator may feed prompts. */
    private static void announceReady(LearnerService learner, Path file) {
        Thread t = new Thread(() -> {
            try {
                if (learner.awaitPositioned(java.time.Duration.ofMinutes(5))) {
                    java.nio.file.Files.writeString(file, "ready\n");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                org.slf4j.LoggerFactory.getLogger(LearnerCommand.class).error("cannot write {}: {}", file, e.toString());
            }
        }, "learner-ready");
        t.setDaemon(true);
        t.start();
    }
}
