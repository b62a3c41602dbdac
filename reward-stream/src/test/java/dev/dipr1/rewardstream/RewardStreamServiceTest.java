package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.topics.ClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardStreamServiceTest {

    @Test
    void givenAKafkaTimeoutThenEveryClientStreamsMakesWaitsThatLong(@TempDir Path state) {
        ClientSettings kafka = ClientSettings.of("localhost:9092").withTimeout(Duration.ofMinutes(3));

        StreamsConfig config = new StreamsConfig(RewardStreamService.streamsConfig(kafka, "app", state, "i"));

        assertEquals(180_000, config.getProducerConfigs("p").get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
        assertEquals(180_000, config.getProducerConfigs("p").get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        assertEquals(
                180_000, config.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
        assertEquals(180_000, config.getAdminConfigs("a").get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
        assertEquals(300_000L, config.getLong(StreamsConfig.TASK_TIMEOUT_MS_CONFIG));
    }

    @Test
    void givenATimeoutLongerThanTheTaskTimeoutThenTasksWaitAsLong(@TempDir Path state) {
        ClientSettings kafka = ClientSettings.of("localhost:9092").withTimeout(Duration.ofMinutes(10));

        StreamsConfig config = new StreamsConfig(RewardStreamService.streamsConfig(kafka, "app", state, "i"));

        assertEquals(600_000L, config.getLong(StreamsConfig.TASK_TIMEOUT_MS_CONFIG));
    }

    @Test
    void givenTheUserSetAClientTimeoutThenTheirValueIsKept(@TempDir Path state) throws Exception {
        Path props = state.resolve("kafka.properties");
        java.nio.file.Files.writeString(props, ProducerConfig.MAX_BLOCK_MS_CONFIG + "=12345\n");
        ClientSettings kafka =
                ClientSettings.of("localhost:9092", props, Map.of()).withTimeout(Duration.ofMinutes(3));

        StreamsConfig config = new StreamsConfig(RewardStreamService.streamsConfig(kafka, "app", state, "i"));

        assertEquals("12345", String.valueOf(config.getProducerConfigs("p").get(ProducerConfig.MAX_BLOCK_MS_CONFIG)));
    }
}
