package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class GroupsReadHeadersTest {

    @Test
    void eachGeneratorReadsBackItsOwnCount() {
        RecordHeaders h = new RecordHeaders();
        GroupsReadHeaders.add(h, new TreeMap<>(Map.of("run.gen-0", 17L, "run.gen-1", 4L)));

        assertEquals(OptionalLong.of(17), GroupsReadHeaders.read(h, "run.gen-0"));
        assertEquals(OptionalLong.of(4), GroupsReadHeaders.read(h, "run.gen-1"));
        assertEquals(OptionalLong.of(0), GroupsReadHeaders.read(h, "run.gen-2"), "counted, none of its groups read");
        assertEquals("21", new String(h.lastHeader(GroupsReadHeaders.TOTAL).value(), StandardCharsets.US_ASCII));
    }

    @Test
    void anUpdateWithoutCountsOrWithAGarbledOneSaysNothing() {
        assertEquals(OptionalLong.empty(), GroupsReadHeaders.read(new RecordHeaders(), "g"));
        RecordHeaders h = new RecordHeaders();
        GroupsReadHeaders.add(h, Map.of());
        h.add(GroupsReadHeaders.PREFIX + "g", "x1".getBytes(StandardCharsets.US_ASCII));
        h.add(GroupsReadHeaders.PREFIX + "n", "-3".getBytes(StandardCharsets.US_ASCII));
        assertEquals(OptionalLong.empty(), GroupsReadHeaders.read(h, "g"));
        assertEquals(OptionalLong.empty(), GroupsReadHeaders.read(h, "n"));
        assertEquals(OptionalLong.of(0), GroupsReadHeaders.read(h, "other"));
    }
}
