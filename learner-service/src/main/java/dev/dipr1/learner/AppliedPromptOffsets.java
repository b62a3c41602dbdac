package dev.dipr1.learner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prompts whose groups the learner has already judged, by where each prompt task was read: per partition
 * of the prompts topic, the offsets as disjoint half-open intervals {@code [start, end)}. A prompt yields one
 * group, so a second group with the same coordinates is a redone prompt's duplicate, however many groups came
 * in between: unlike a window of recent ids, this memory forgets nothing within its bound.
 *
 * <p>Its size is the number of intervals, i.e. the gaps between them plus one per partition. Groups arrive
 * nearly in prompt order, so gaps are the prompts still in flight and those that never became a group (a dead
 * letter on the way). Past {@code maxIntervals} the oldest gap of the partition with the most intervals is
 * filled: a group of a prompt in that gap would then be dropped as a duplicate (never applied twice), and the
 * offsets so given up are counted in {@link #offsetsGivenUp()}. The bound holds unless it is below the number
 * of partitions (one interval each, no gap to fill).
 */
public final class AppliedPromptOffsets {

    /** Intervals kept by default: 16 bytes each in the checkpoint, 1 MiB at most. */
    public static final int DEFAULT_MAX_INTERVALS = 65_536;

    /** Offsets {@code [start, end)} of one partition. */
    public record Interval(long start, long end) {
        public Interval {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException(
                        "an interval of prompt offsets needs 0 <= start < end, was [" + start + ", " + end + ")");
            }
        }
    }

    private final int maxIntervals;
    private final Map<Integer, TreeMap<Long, Long>> byPartition = new TreeMap<>();
    private int intervals;
    private long offsetsGivenUp;

    public AppliedPromptOffsets(int maxIntervals) {
        if (maxIntervals < 1) {
            throw new IllegalArgumentException(
                    "the memory of applied prompts needs room for at least 1 interval, was " + maxIntervals);
        }
        this.maxIntervals = maxIntervals;
    }

    /** True for coordinates a prompt record can have; groups without them carry -1. */
    public static boolean known(int partition, long offset) {
        return partition >= 0 && offset >= 0 && offset < Long.MAX_VALUE;
    }

    /**
     * Remembers the prompt at {@code offset} of {@code partition}.
     *
     * @return false if it was already remembered
     */
    public boolean add(int partition, long offset) {
        if (!known(partition, offset)) {
            throw new IllegalArgumentException(
                    "not the coordinates of a prompt: partition " + partition + ", offset " + offset);
        }
        TreeMap<Long, Long> ranges = byPartition.computeIfAbsent(partition, p -> new TreeMap<>());
        Map.Entry<Long, Long> below = ranges.floorEntry(offset);
        if (below != null && offset < below.getValue()) {
            return false;
        }
        boolean joinsBelow = below != null && below.getValue() == offset;
        Long aboveEnd = ranges.get(offset + 1);
        if (joinsBelow && aboveEnd != null) {
            ranges.remove(offset + 1);
            ranges.put(below.getKey(), aboveEnd);
            intervals--;
        } else if (joinsBelow) {
            ranges.put(below.getKey(), offset + 1);
        } else if (aboveEnd != null) {
            ranges.remove(offset + 1);
            ranges.put(offset, aboveEnd);
        } else {
            ranges.put(offset, offset + 1);
            intervals++;
            if (intervals > maxIntervals) {
                fillOldestGapOfTheMostFragmentedPartition();
            }
        }
        return true;
    }

    public boolean contains(int partition, long offset) {
        TreeMap<Long, Long> ranges = byPartition.get(partition);
        if (ranges == null) {
            return false;
        }
        Map.Entry<Long, Long> below = ranges.floorEntry(offset);
        return below != null && offset < below.getValue();
    }

    /** False when no partition has a gap (a bound below the number of partitions is exceeded by one per partition). */
    private boolean fillOldestGapOfTheMostFragmentedPartition() {
        TreeMap<Long, Long> most = null;
        for (TreeMap<Long, Long> ranges : byPartition.values()) {
            if (most == null || ranges.size() > most.size()) {
                most = ranges;
            }
        }
        if (most == null || most.size() < 2) {
            return false;
        }
        Map.Entry<Long, Long> first = most.pollFirstEntry();
        Map.Entry<Long, Long> second = most.pollFirstEntry();
        offsetsGivenUp += second.getKey() - first.getValue();
        most.put(first.getKey(), second.getValue());
        intervals--;
        return true;
    }

    /** Number of intervals held: the memory used, at most the bound. */
    public int intervals() {
        return intervals;
    }

    /** Offsets of gaps filled to stay within the bound: prompts whose late group would be dropped. */
    public long offsetsGivenUp() {
        return offsetsGivenUp;
    }

    /** The intervals by partition, in offset order (for the checkpoint). */
    public Map<Integer, List<Interval>> toMap() {
        Map<Integer, List<Interval>> out = new TreeMap<>();
        byPartition.forEach((p, ranges) -> {
            List<Interval> list = new ArrayList<>(ranges.size());
            ranges.forEach((start, end) -> list.add(new Interval(start, end)));
            out.put(p, List.copyOf(list));
        });
        return out;
    }

    /** Remembers every offset of {@code saved} (e.g. from a checkpoint). */
    public void addAll(Map<Integer, List<Interval>> saved) {
        saved.forEach((p, list) -> {
            for (Interval i : list) {
                addRange(p, i.start(), i.end());
            }
        });
    }

    private void addRange(int partition, long start, long end) {
        TreeMap<Long, Long> ranges = byPartition.computeIfAbsent(partition, p -> new TreeMap<>());
        long from = start;
        long to = end;
        Map.Entry<Long, Long> below = ranges.floorEntry(from);
        if (below != null && below.getValue() >= from) {
            from = below.getKey();
            to = Math.max(to, below.getValue());
        }
        // absorb every interval starting inside [from, to]
        Map.Entry<Long, Long> next = ranges.ceilingEntry(from);
        while (next != null && next.getKey() <= to) {
            to = Math.max(to, next.getValue());
            ranges.remove(next.getKey());
            intervals--;
            next = ranges.ceilingEntry(from);
        }
        ranges.put(from, to);
        intervals++;
        while (intervals > maxIntervals && fillOldestGapOfTheMostFragmentedPartition()) {
            // filled one gap
        }
    }
}
