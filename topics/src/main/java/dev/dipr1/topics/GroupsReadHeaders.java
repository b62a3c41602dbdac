package dev.dipr1.topics;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The learner's acknowledgement on a policy update: how many scored groups of each generator it
 * had read (accepted or dropped) when it published that version, as record headers: one
 * {@value #TOTAL} header with the total, and one {@value #PREFIX}{@code <generator id>} header per
 * generator. A generator bounds its backlog with it ({@code LeadGate}). Headers, not a schema
 * field: the count is flow control between the two services, not part of the policy, and an
 * update without them (an older learner) stays valid. Values are decimal ASCII.
 */
public final class GroupsReadHeaders {

    /** The total number of groups read; its presence says the update carries counts. */
    public static final String TOTAL = "dipr1.groups-read";
    /** Followed by a generator id: the groups of that generator read. */
    public static final String PREFIX = "dipr1.groups-read.";

    private GroupsReadHeaders() {}

    /** Adds the counts of {@code readByGenerator} to {@code headers}. */
    public static void add(Headers headers, Map<String, Long> readByGenerator) {
        long total = 0;
        for (Map.Entry<String, Long> e : readByGenerator.entrySet()) {
            headers.add(PREFIX + e.getKey(), Long.toString(e.getValue()).getBytes(StandardCharsets.US_ASCII));
            total += e.getValue();
        }
        headers.add(TOTAL, Long.toString(total).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * How many groups of {@code generatorId} the learner had read: 0 when the update carries
     * counts but none for it; empty when it carries none or a value is not a non-negative number.
     */
    public static OptionalLong read(Headers headers, String generatorId) {
        if (headers.lastHeader(TOTAL) == null) {
            return OptionalLong.empty();
        }
        Header h = headers.lastHeader(PREFIX + generatorId);
        if (h == null) {
            return OptionalLong.of(0);
        }
        try {
            long n = Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
            return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
