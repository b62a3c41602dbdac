package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.topics.TopicAdmin.TopicStatus;
import dev.dipr1.topics.TopicAdmin.TopicStatus.State;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicAdminIT {

    @Test
    void createsMissingTopicsOnceAndThenFindsThem() {
        TopicCatalog catalog = TopicCatalog.withPrefix("admin-it.");
        try (Admin admin = Admin.create(
                ClientSettings.of(KafkaTestCluster.bootstrapServers()).asMap())) {
            TopicAdmin topics = new TopicAdmin(admin, (short) 1);
            List<TopicStatus> first = topics.ensure(catalog.all());
            assertTrue(first.stream().allMatch(s -> s.state() == State.CREATED), first.toString());
            List<TopicStatus> second = topics.ensure(catalog.all());
            assertTrue(second.stream().allMatch(s -> s.state() == State.EXISTS), second.toString());
            TopicStatus rollouts = second.stream()
                    .filter(s -> s.name().equals("admin-it.rollouts"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(catalog.rollouts().partitions(), rollouts.partitions());
            assertEquals("delete", rollouts.cleanupPolicy());
            assertEquals("-1", rollouts.retentionMs());
            TopicStatus policy = second.stream()
                    .filter(s -> s.name().equals("admin-it.policy"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("compact", policy.cleanupPolicy());
        }
    }

    @Test
    void existingTopicWithOtherSettingsIsReportedNotChanged() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("admin-bad.");
        try (Admin admin = Admin.create(
                ClientSettings.of(KafkaTestCluster.bootstrapServers()).asMap())) {
            admin.createTopics(List.of(new NewTopic("admin-bad.annotations", 3, (short) 1)
                            .configs(Map.of("cleanup.policy", "delete"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicAdmin topics = new TopicAdmin(admin, (short) 1);
            IncompatibleTopicException e =
                    assertThrows(IncompatibleTopicException.class, () -> topics.ensure(catalog.all()));
            assertTrue(e.getMessage().contains("admin-bad.annotations"), e.getMessage());
            assertTrue(e.getMessage().contains("partitions 3 (catalog: 1)"), e.getMessage());
            assertTrue(e.getMessage().contains("cleanup.policy delete (catalog: compact)"), e.getMessage());
            assertEquals(1, e.topics().size());
            // The others were still created, and the bad one was left alone.
            List<TopicStatus> now = topics.describe(catalog.all());
            assertEquals(5, now.stream().filter(s -> s.state() == State.EXISTS).count(), now.toString());
        }
    }
}
