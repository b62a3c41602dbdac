package dev.dipr1.demo;

import dev.dipr1.rewardstream.RewardStatistics;
import dev.dipr1.rewardstream.RewardStreamService;
import dev.dipr1.rewardstream.RewardStreamSettings;
import dev.dipr1.rewardstream.RewardTopology;
import dev.dipr1.rewardstream.RolloutScorer;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/** Starts reward-stream instances: for {@code dipr1 rewards} and for the demo's threads mode. */
public final class RewardStreams {

    private RewardStreams() {}

    /**
     * Creates missing topics and starts one reward-stream instance.
     *
     * @param advantagesTopic where scored groups go (null: the catalog's advantages topic)
     * @param stateDir Kafka Streams state directory (null: a new temporary one)
     */
    public static RewardStreamService start(
            ClientSettings client,
            TopicCatalog catalog,
            RewardStreamSettings settings,
            String advantagesTopic,
            Path stateDir,
            RewardStatistics stats)
            throws Exception {
        var advantages = advantagesTopic == null
                ? catalog.advantages()
                : catalog.advantages().named(advantagesTopic);
        try (Admin admin = KafkaClients.admin(client)) {
            new TopicAdmin(admin, (short) 1, client.timeout())
                    .ensure(List.of(catalog.rollouts(), catalog.annotations(), advantages, catalog.deadLetters()));
        }
        RewardTopology.Topics topics =
                new RewardTopology.Topics(catalog.rollouts(), catalog.annotations(), advantages, catalog.deadLetters());
        Path state = stateDir != null ? stateDir : Files.createTempDirectory("dipr1-rewards-state-");
        return new RewardStreamService(
                        RewardTopology.build(topics, settings, RolloutScorer.dipr1(settings.rewards()), stats),
                        client,
                        catalog.prefix() + "reward-stream",
                        state,
                        UUID.randomUUID().toString().substring(0, 8))
                .start();
    }
}
