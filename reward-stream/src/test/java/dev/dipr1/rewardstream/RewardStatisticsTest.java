package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.SampleRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RewardStatisticsTest {

    @Test
    void onlyTheNewestVersionsAndTheirMetersAreKept() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RewardStatistics stats = new RewardStatistics(registry);
        int versions = 1000;
        for (long v = 0; v < versions; v++) {
            stats.record(group(v), 1000 + v);
        }
        assertEquals(versions, stats.scoredGroups(), "every group counts");
        assertEquals(RewardStatistics.VERSIONS_KEPT, stats.snapshot().size());
        assertTrue(stats.snapshot().containsKey((long) versions - 1));
        assertFalse(stats.snapshot().containsKey(0L));
        Set<String> tagged = registry.getMeters().stream()
                .map(m -> m.getId().getTag("policy_version"))
                .filter(t -> t != null)
                .collect(Collectors.toSet());
        assertEquals(RewardStatistics.VERSIONS_KEPT, tagged.size(), "meters of evicted versions are removed");
        String line = stats.summarise(5000);
        assertTrue(line.contains("policy v999") && line.contains("policy v997") && !line.contains("policy v996"), line);
        assertTrue(line.contains(versions + " scored"), line);
    }

    static ScoredGroup group(long version) {
        ScoredGroup g = SampleRecords.scoredGroup("g" + version);
        g.getRollout().setPolicyVersion(version);
        return g;
    }
}
