package dev.dipr1.learner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A bounded memory of the most recently seen group ids, oldest first. Groups that say which prompt record
 * they came from are recognised at any distance by {@link AppliedPromptOffsets}; this window catches the
 * rest: groups without those coordinates (older writers) and a sample fed again under the same epoch
 * (another prompt record, the same group id) while it is among the last ids.
 */
public final class RecentGroupIds {

    /** How many ids the learner remembers by default. */
    public static final int DEFAULT_CAPACITY = 8192;

    private final int capacity;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    public RecentGroupIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "a memory of recent group ids needs room for at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Remembers {@code groupId}, forgetting the oldest id when full.
     *
     * @return false if the id was already remembered (its place in the order does not change)
     */
    public boolean remember(String groupId) {
        if (ids.contains(groupId)) {
            return false;
        }
        ids.add(groupId);
        if (ids.size() > capacity) {
            ids.remove(ids.iterator().next());
        }
        return true;
    }

    /** Remembers {@code groupIds} in order, as if each had been seen (e.g. from a checkpoint). */
    public void rememberAll(List<String> groupIds) {
        groupIds.forEach(this::remember);
    }

    /** The remembered ids, oldest first. */
    public List<String> toList() {
        return new ArrayList<>(ids);
    }

    public int size() {
        return ids.size();
    }
}
