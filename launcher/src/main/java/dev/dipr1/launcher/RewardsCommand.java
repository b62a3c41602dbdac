package dev.dipr1.launcher;

import dev.dipr1.demo.RewardStreams;
import dev.dipr1.rewardstream.RewardStatistics;
import dev.dipr1.rewardstream.RewardStreamService;
import dev.dipr1.rewardstream.RewardStreamSettings;
import dev.dipr1.topics.ClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the reward stream as a service. */
@Command(
        name = "rewards",
        mixinStandardHelpOptions = true,
        description = "Run the reward stream: rollouts joined with annotations, scored, advantages out "
                + "(exactly-once). Start more instances to share the rollout partitions.")
final class RewardsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RewardsCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RewardOptions rewards;

    @Option(
            names = "--annotation-wait",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long to hold a group whose annotation has not arrived before dead-lettering it "
                    + "(default: ${DEFAULT-VALUE}).")
    long annotationWaitSeconds;

    @Option(
            names = "--advantages-topic",
            paramLabel = "TOPIC",
            description = "Write scored groups here instead of the catalog's advantages topic.")
    String advantagesTopic;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Kafka Streams state directory (default: a temporary one).")
    Path stateDir;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        TopicsCommand.requireBootstrap(kafka);
        RewardStreamSettings settings = RewardStreamSettings.defaults(rewards.config())
                .withAnnotationWait(Duration.ofSeconds(annotationWaitSeconds));
        ClientSettings client = kafka.settings();
        LOG.info(
                "reward stream starting with Kafka settings {} and reward config {}",
                client.redacted(),
                settings.rewards().toJson());
        CountDownLatch stop = new CountDownLatch(1);
        try (MetricsEndpoint endpoint = metrics.open();
                RewardStreamService service = RewardStreams.start(
                        client,
                        kafka.catalog(),
                        settings,
                        advantagesTopic,
                        stateDir,
                        new RewardStatistics(endpoint.registry()))) {
            endpoint.health(RewardsCommand.health(service::state));
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "rewards-shutdown"));
            awaitStop(stop, service::state, service::failure);
        }
        return 0;
    }

    /** The probes of a reward stream: dead in ERROR or NOT_RUNNING (the process then exits anyway), ready when RUNNING. */
    static MetricsEndpoint.Health health(Supplier<KafkaStreams.State> state) {
        return new MetricsEndpoint.Health() {
            @Override
            public String deadReason() {
                KafkaStreams.State s = state.get();
                return s == KafkaStreams.State.ERROR
                                || s == KafkaStreams.State.PENDING_ERROR
                                || s == KafkaStreams.State.NOT_RUNNING
                        ? "Kafka Streams state " + s
                        : null;
            }

            @Override
            public String notReadyReason() {
                KafkaStreams.State s = state.get();
                return s == KafkaStreams.State.RUNNING ? null : "Kafka Streams state " + s;
            }
        };
    }

    /**
     * Returns when {@code stop} opens; throws when Streams stopped by itself first, since an instance in
     * ERROR processes nothing more: the process exits non-zero with the reason, and an orchestrator
     * restarts it, instead of idling.
     */
    static void awaitStop(
            CountDownLatch stop, Supplier<KafkaStreams.State> state, Supplier<Optional<Throwable>> failure)
            throws InterruptedException {
        do {
            KafkaStreams.State s = state.get();
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                String cause = failure.get().map(Dipr1::rootMessage).orElse("no stream thread reported an error");
                throw new IllegalStateException("the reward stream stopped (Kafka Streams state " + s + "): " + cause
                        + "; restart the service once the cause is fixed (the log above has the details)");
            }
        } while (!stop.await(1, TimeUnit.SECONDS));
    }
}
