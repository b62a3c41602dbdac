package dev.dipr1.launcher;

import dev.dipr1.rewardstream.RewardStatistics;
import dev.dipr1.rewardstream.RewardStreamService;
import dev.dipr1.rewardstream.RewardStreamSettings;
import dev.dipr1.rewardstream.RewardTopology;
import dev.dipr1.rewardstream.RolloutScorer;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the reward stream as a service. */
@Command(name = "rewards", mixinStandardHelpOptions = true,
        description = "Run the reward stream: rollouts joined with annotations, scored, advantages out "
                + "(exactly-once). Start more instances to share the rollout partitions.")
final class RewardsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RewardsCommand.class);

    @Mixin KafkaOptions kafka;
    @Mixin RewardOptions rewards;

    @Option(names = "--annotation-wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to hold a group whose annotation has not arrived before dead-lettering it "
                    + "(default: ${DEFAULT-VALUE}).")
    long annotationWaitSeconds;

    @Option(names = "--advantages-topic", paramLabel = "TOPIC",
            description = "Write scored groups here instead of the catalog's advantages topic.")
    String advantagesTopic;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default: a temporary one).")
    Path stateDir;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "0",
            description = "Serve Prometheus metrics on this port (default: off).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        TopicsCommand.requireBootstrap(kafka);
        RewardStreamSettings settings = RewardStreamSettings.defaults(rewards.config())
                .withAnnotationWait(Duration.ofSeconds(annotationWaitSeconds));
        ClientSettings client = kafka.settings();
        LOG.info("reward stream starting with Kafka settings {} and reward config {}", client.redacted(),
                settings.rewards().toJson());
        CountDownLatch stop = new CountDownLatch(1);
        try (MetricsEndpoint metrics = new MetricsEndpoint(metricsPort);
                RewardStreamService service = start(client, kafka.catalog(), settings, advantagesTopic, stateDir,
                        new RewardStatistics(metrics.registry()))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "rewards-shutdown"));
            stop.await();
        }
        return 0;
    }

    /** Creates missing topics and starts one reward-stream instance (used by the demo too). */
    static RewardStreamService start(ClientSettings client, TopicCatalog catalog, RewardStreamSettings settings,
            String advantagesTopic, Path stateDir, RewardStatistics stats) throws Exception {
        var advantages = advantagesTopic == null ? catalog.advantages() : catalog.advantages().named(advantagesTopic);
        try (Admin admin = Admin.create(client.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(List.of(catalog.rollouts(), catalog.annotations(), advantages,
                    catalog.deadLetters()));
        }
        RewardTopology.Topics topics = new RewardTopology.Topics(catalog.rollouts(), catalog.annotations(),
                advantages, catalog.deadLetters());
        Path state = stateDir != null ? stateDir : Files.createTempDirectory("dipr1-rewards-state-");
        return new RewardStreamService(RewardTopology.build(topics, settings,
                RolloutScorer.dipr1(settings.rewards()), stats), client, catalog.prefix() + "reward-stream", state,
                UUID.randomUUID().toString().substring(0, 8)).start();
    }
}
