package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.serde.Serdes;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void defaultNamesCarryThePrefix() {
        List<String> names =
                TopicCatalog.defaults().all().stream().map(Topic::name).toList();
        assertEquals(
                List.of(
                        "dipr1.prompts",
                        "dipr1.annotations",
                        "dipr1.rollouts",
                        "dipr1.advantages",
                        "dipr1.policy",
                        "dipr1.dead-letters"),
                names);
    }

    @Test
    void prefixIsConfigurable() {
        TopicCatalog c = TopicCatalog.withPrefix("exp7.");
        assertEquals("exp7.rollouts", c.rollouts().name());
        assertTrue(c.all().stream().allMatch(t -> t.name().startsWith("exp7.")));
    }

    @Test
    void badPrefixIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicCatalog.withPrefix("a b"));
        assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
    }

    @Test
    void tablesAreCompactedAndRolloutsKeptForReplay() {
        TopicCatalog c = TopicCatalog.defaults();
        assertEquals("compact", c.annotations().configs().get("cleanup.policy"));
        assertEquals("compact", c.policy().configs().get("cleanup.policy"));
        assertFalse(c.policy().configs().containsKey("retention.ms"), "compacted topics have no time retention");
        assertEquals("-1", c.rollouts().configs().get("retention.ms"));
    }

    @Test
    void eachTopicHasTheSerdeOfItsRecord() {
        TopicCatalog c = TopicCatalog.defaults();
        assertEquals(Serdes.ROLLOUT_GROUP, c.rollouts().valueSerde());
        assertEquals(Serdes.SCORED_GROUP, c.advantages().valueSerde());
        assertEquals(Serdes.SCORED_GROUP, c.advantages().named("replay.adv").valueSerde());
        assertEquals("replay.adv", c.advantages().named("replay.adv").name());
    }
}
