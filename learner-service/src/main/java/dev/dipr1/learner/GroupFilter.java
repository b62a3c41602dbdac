package dev.dipr1.learner;

import dev.dipr1.schemas.ScoredGroup;
import java.util.Optional;

/**
 * Decides whether a scored group may enter a batch. Checks run in this order, the first failing
 * one names the drop: a duplicate (its prompt's coordinates already judged, at any distance, or its
 * id within the memory of recent ids), then staleness (how many policy versions the group is behind
 * the learner), then zero variance (when skipping is on).
 */
public final class GroupFilter {

    /** Why a group was left out; {@link #tag()} is the {@code reason} tag of {@code batch/dropped}. */
    public enum DropReason {
        DUPLICATE("duplicate"),
        STALE("stale"),
        ZERO_VARIANCE("zero_variance");

        private final String tag;

        DropReason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /**
     * The verdict on one group.
     *
     * @param dropReason empty when the group is accepted
     * @param staleness learner version minus the group's policy version
     * @param zeroVariance the group got past the duplicate and staleness checks with all rewards
     *     equal: it counts towards the zero-variance fraction, whether it is dropped or kept
     */
    public record Decision(Optional<DropReason> dropReason, long staleness, boolean zeroVariance) {

        static Decision accept(long staleness, boolean zeroVariance) {
            return new Decision(Optional.empty(), staleness, zeroVariance);
        }

        static Decision drop(DropReason reason, long staleness, boolean zeroVariance) {
            return new Decision(Optional.of(reason), staleness, zeroVariance);
        }

        public boolean accepted() {
            return dropReason.isEmpty();
        }
    }

    private final int maxStaleness;
    private final boolean skipZeroVariance;
    private final RecentGroupIds recent;
    private final AppliedPromptOffsets prompts;

    /**
     * @param maxStaleness groups more than this many versions behind are dropped
     * @param skipZeroVariance drop groups whose rewards are all equal
     * @param recent the ids seen so far; every id judged is added to it
     * @param prompts the prompts whose groups were judged so far; every group's prompt is added to it
     */
    public GroupFilter(
            int maxStaleness, boolean skipZeroVariance, RecentGroupIds recent, AppliedPromptOffsets prompts) {
        this.maxStaleness = maxStaleness;
        this.skipZeroVariance = skipZeroVariance;
        this.recent = recent;
        this.prompts = prompts;
    }

    /** A filter with a memory of prompts of the default bound. */
    public GroupFilter(int maxStaleness, boolean skipZeroVariance, RecentGroupIds recent) {
        this(
                maxStaleness,
                skipZeroVariance,
                recent,
                new AppliedPromptOffsets(AppliedPromptOffsets.DEFAULT_MAX_INTERVALS));
    }

    /** Judges a scored group against the learner's current policy version. */
    public Decision judge(ScoredGroup group, long currentVersion) {
        return judge(
                group.getGroupId(),
                group.getRollout().getPromptPartition(),
                group.getRollout().getPromptOffset(),
                group.getRollout().getPolicyVersion(),
                group.getZeroVariance(),
                currentVersion);
    }

    /** Judges a group whose prompt's coordinates are unknown (only its id can show a duplicate). */
    public Decision judge(String groupId, long groupVersion, boolean zeroVariance, long currentVersion) {
        return judge(groupId, -1, -1, groupVersion, zeroVariance, currentVersion);
    }

    /**
     * Judges a group by its id, where its prompt was read (-1 when unknown), the policy version it was
     * sampled with and whether its rewards are all equal. Id and prompt are remembered even when the group
     * is dropped for another reason, so a second copy of a stale group is a duplicate; both memories learn
     * from every group, and either one recognising it makes it a duplicate.
     */
    public Decision judge(
            String groupId,
            int promptPartition,
            long promptOffset,
            long groupVersion,
            boolean zeroVariance,
            long currentVersion) {
        boolean newId = recent.remember(groupId);
        boolean newPrompt = !AppliedPromptOffsets.known(promptPartition, promptOffset)
                || prompts.add(promptPartition, promptOffset);
        return decide(!(newId && newPrompt), currentVersion - groupVersion, zeroVariance);
    }

    /** The pure rule: the first check that fails decides. */
    Decision decide(boolean duplicate, long staleness, boolean zeroVariance) {
        if (duplicate) {
            return Decision.drop(DropReason.DUPLICATE, staleness, false);
        }
        if (staleness > maxStaleness) {
            return Decision.drop(DropReason.STALE, staleness, false);
        }
        if (zeroVariance && skipZeroVariance) {
            return Decision.drop(DropReason.ZERO_VARIANCE, staleness, true);
        }
        return Decision.accept(staleness, zeroVariance);
    }
}
