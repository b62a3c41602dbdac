package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.WeightsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot-swapping the policy from update records, with real (tiny) checkpoints. */
class CurrentPolicyTest {

    @TempDir
    Path dir;

    private PolicyUpdate update(PolicyConfig config, long seed, long version) throws IOException {
        try (Policy p = Policy.initialise(config, seed)) {
            return PolicyUpdates.create(p.toBytes(), "dipr1-policy/1", version, version * 10, 1 << 24, dir, 0);
        }
    }

    @Test
    void aNewerVersionIsSwappedIn() throws IOException {
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        try (CurrentPolicy current = new CurrentPolicy(v0)) {
            assertTrue(current.offer(update(PolicyConfig.tiny(), 99, 5)));
            assertEquals(5, current.version());
            assertEquals(5, current.get().version());
            assertNotSame(v0, current.get());
        }
    }

    @Test
    void anOlderOrEqualVersionIsIgnored() throws IOException {
        Policy v5 = Policy.initialise(PolicyConfig.tiny(), 3);
        v5.setVersion(5);
        try (CurrentPolicy current = new CurrentPolicy(v5)) {
            assertFalse(current.offer(update(PolicyConfig.tiny(), 99, 5)));
            assertFalse(current.offer(update(PolicyConfig.tiny(), 99, 4)));
            assertSame(v5, current.get());
        }
    }

    @Test
    void aCorruptUpdateKeepsTheCurrentPolicy() throws IOException {
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        PolicyUpdate good = update(PolicyConfig.tiny(), 99, 5);
        PolicyUpdate tampered = PolicyUpdate.newBuilder(good).setSha256("00").build();
        try (CurrentPolicy current = new CurrentPolicy(v0)) {
            assertFalse(current.offer(tampered), "fails its integrity check");
            assertSame(v0, current.get());
            assertTrue(current.offer(good), "the next good update still applies");
        }
    }

    @Test
    void anUpdateOfAnotherArchitectureKeepsTheCurrentPolicy() throws IOException {
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        try (CurrentPolicy current = new CurrentPolicy(v0)) {
            assertFalse(current.offer(update(PolicyConfig.defaults(), 99, 5)));
            assertSame(v0, current.get());
            assertEquals(0, current.version());
        }
    }

    @Test
    void aBrokenUpdateIsRefusedWithItsReasonOnceAndNotLoadedAgain() throws IOException {
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        PolicyUpdate tampered = PolicyUpdate.newBuilder(update(PolicyConfig.tiny(), 99, 5))
                .setSha256("00")
                .build();
        int[] loads = new int[1];
        CurrentPolicy.Checkpoints counting = u -> {
            loads[0]++;
            return PolicyUpdates.checkpoint(u);
        };
        try (CurrentPolicy current = new CurrentPolicy(v0, counting)) {
            CurrentPolicy.Offer first = current.apply(tampered);
            assertFalse(first.applied());
            assertTrue(
                    first.refusal().orElseThrow().contains("integrity"),
                    first.refusal().get());
            assertEquals(CurrentPolicy.Offer.UNCHANGED, current.apply(tampered), "offered again between groups");
            assertEquals(1, loads[0], "read once");
            assertEquals(Optional.empty(), current.apply(tampered).refusal());
        }
    }

    @Test
    void anUpdateByUriIsReadOnlyFromTheWeightsDirectory() throws IOException {
        Path weights = Files.createDirectories(dir.resolve("policies"));
        PolicyUpdate byUri;
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 99)) {
            byUri = PolicyUpdates.create(p.toBytes(), "dipr1-policy/1", 5, 50, 0, weights, 0);
        }
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        try (CurrentPolicy elsewhere = new CurrentPolicy(
                v0, CurrentPolicy.Checkpoints.from(new WeightsFiles(dir.resolve("other"), 1 << 30)))) {
            assertTrue(elsewhere.apply(byUri).refusal().orElseThrow().contains("weights directory"));
            assertEquals(0, elsewhere.version());
        }
        Policy w0 = Policy.initialise(PolicyConfig.tiny(), 3);
        try (CurrentPolicy inDir =
                new CurrentPolicy(w0, CurrentPolicy.Checkpoints.from(new WeightsFiles(weights, 1 << 30)))) {
            assertTrue(inDir.apply(byUri).applied());
            assertEquals(5, inDir.version());
        }
    }
}
