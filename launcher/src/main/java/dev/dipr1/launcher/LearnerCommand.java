package dev.dipr1.launcher;

import dev.dipr1.demo.LearnerCounters;
import dev.dipr1.demo.LearnerStatusDir;
import dev.dipr1.learner.LearnerService;
import dev.dipr1.policy.Policy;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.TopicAdmin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the GRPO learner. */
@Command(
        name = "learner",
        mixinStandardHelpOptions = true,
        description = "Run the GRPO learner: consume scored groups, train, publish policy updates, checkpoint "
                + "(a restart resumes from the checkpoint without skipping or repeating a group).")
final class LearnerCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LearnerOptions options;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "FILE",
            description =
                    "Initial policy (the SFT checkpoint); also the frozen KL reference unless --reference is given.")
    Path checkpoint;

    @Option(names = "--reference", paramLabel = "FILE", description = "Reference policy for the KL term.")
    Path reference;

    @Option(
            names = "--learner-checkpoint",
            defaultValue = "learner.ckpt",
            paramLabel = "FILE",
            description = "Learner state; resumed from when it exists (default: ${DEFAULT-VALUE}).")
    Path learnerCheckpoint;

    @Option(
            names = "--policy-dir",
            defaultValue = "policies",
            paramLabel = "DIR",
            description = "Where policy updates over the inline limit are written (default: ${DEFAULT-VALUE}).")
    Path policyDir;

    @Option(
            names = "--advantages-topic",
            paramLabel = "TOPIC",
            description = "Train from this topic (e.g. a replay's) instead of the catalog's advantages topic.")
    String advantagesTopic;

    @Option(
            names = "--policy-key",
            paramLabel = "FILE",
            description =
                    "Sign every policy update with the secret in FILE (HMAC-SHA256; mode 600); generators given the same file apply only signed updates.")
    Path policyKey;

    @Mixin
    MetricsOptions metrics;

    @Option(
            names = "--start-at-end",
            description = "Without a learner checkpoint, train only on groups that arrive from now on.")
    boolean startAtEnd;

    /*
     * Hidden: only demo --processes uses it. A learner in another JVM has no other way to hand its
     * step history and drop counters back (neither is on a topic), and the demo must not feed prompts
     * before the learner has taken its start position.
     */
    @Option(
            names = "--status-dir",
            paramLabel = "DIR",
            hidden = true,
            description = "For the demo's --processes mode, which has no other channel back from this JVM: write a "
                    + "ready file once positioned, one JSON line per step and the drop counters here.")
    Path statusDir;

    @Override
    @SuppressWarnings("try") // the shutdown hook closes the learner early on SIGTERM; the try closes it otherwise
    public Integer call() throws Exception {
        PolicyKey key = policyKey == null ? null : PolicyKey.read(policyKey); // a bad key file stops us first
        FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        FileArguments.requireFile(
                "--reference", reference, "pass a policy checkpoint, or leave --reference out to use --checkpoint");
        TopicsCommand.requireBootstrap(kafka);
        String topic = advantagesTopic != null
                ? advantagesTopic
                : kafka.catalog().advantages().name();
        try (Admin admin = KafkaClients.admin(kafka.settings())) {
            new TopicAdmin(admin, kafka.replicationFactor, kafka.settings().timeout())
                    .ensure(List.of(
                            kafka.catalog().advantages().named(topic),
                            kafka.catalog().policy(),
                            kafka.catalog().deadLetters()));
        }
        try (MetricsEndpoint endpoint = metrics.open();
                Policy ref = Policy.load(reference != null ? reference : checkpoint);
                LearnerService learner = new LearnerService(
                        kafka.settings(),
                        kafka.catalog(),
                        topic,
                        Policy.load(checkpoint),
                        ref,
                        options.settings(learnerCheckpoint, policyDir, startAtEnd),
                        endpoint.registry(),
                        System::currentTimeMillis)) {
            if (key != null) {
                learner.signPolicyUpdatesWith(key);
            }
            endpoint.health(new MetricsEndpoint.Health() {
                @Override
                public String deadReason() {
                    return null; // the learner's own faults end the process, which is what a kubelet sees
                }

                @Override
                public String notReadyReason() {
                    try {
                        return learner.awaitPositioned(java.time.Duration.ZERO) ? null : "taking its start positions";
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return "interrupted";
                    }
                }
            });
            LearnerStatusDir status = statusDir == null ? null : new LearnerStatusDir(statusDir);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                learner.close();
                                if (status != null) {
                                    status.writeCounters(LearnerCounters.of(endpoint.registry()));
                                }
                            },
                            "learner-shutdown"));
            if (status != null) {
                learner.onStep(status.recorder(endpoint.registry()));
                status.announceReady(learner);
            }
            learner.run();
        }
        return 0;
    }
}
