package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlScorerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String GOOD = "{\"id\": \"a\", \"width\": 100, \"height\": 100, \"gt\": [[0,0,10,10],[50,50,60,60]],"
            + " \"completions\": [\"<think>t</think><look></look><answer>[[0,0,10,10],[50,50,60,60]]</answer>\","
            + " \"<think>t</think><look>[[50,50,60,60]]</look><answer>[[0,0,10,10]]</answer>\", \"no tags at all\"]}";

    record Run(JsonlScorer.Summary summary, List<String> out, List<String> err) {}

    static Run run(String input) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        JsonlScorer.Summary s =
                JsonlScorer.run(new BufferedReader(new StringReader(input)), out, err, RewardConfig.defaults());
        return new Run(
                s, out.toString().lines().toList(), err.toString().lines().toList());
    }

    @Test
    void goodLineIsScoredLikeGroupScorer() throws Exception {
        Run r = run(GOOD + "\n");
        assertEquals(new JsonlScorer.Summary(1, 0), r.summary());
        assertEquals(List.of(), r.err());
        JsonNode o = JSON.readTree(r.out().get(0));
        assertEquals("a", o.get("id").textValue());
        assertEquals(false, o.get("zero_variance").booleanValue());
        GroupScore expected = GroupScorer.score(JsonlScorer.parseLine(GOOD), RewardConfig.defaults());
        assertEquals(3, o.get("rewards").size());
        for (int i = 0; i < 3; i++) {
            JsonNode r0 = o.get("rewards").get(i);
            CompletionScore c = expected.completions().get(i);
            // doubles round-trip exactly
            assertEquals(c.format(), r0.get("format").doubleValue(), 0.0);
            assertEquals(c.look(), r0.get("look").doubleValue(), 0.0);
            assertEquals(c.accuracy(), r0.get("accuracy").doubleValue(), 0.0);
            assertEquals(c.total(), r0.get("total").doubleValue(), 0.0);
            assertEquals(c.advantage(), r0.get("advantage").doubleValue(), 0.0);
            assertEquals(List.of("format", "look", "accuracy", "total", "advantage"), iterable(r0.fieldNames()));
        }
        assertEquals(List.of("id", "zero_variance", "rewards"), iterable(o.fieldNames()));
    }

    static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void malformedLinesAreNumberedAndSkippedInOrder() {
        String input = String.join(
                "\n",
                GOOD.replace("\"a\"", "\"first\""), // 1 ok
                "{not json", // 2
                "", // 3 blank: silent
                "{\"id\": \"x\", \"width\": 0, \"height\": 1, \"gt\": [], \"completions\": [\"c\"]}", // 4
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [[1,2,3]], \"completions\": [\"c\"]}", // 5
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [], \"completions\": []}", // 6
                "{\"width\": 1, \"height\": 1, \"gt\": [], \"completions\": [\"c\"]}", // 7 missing id
                "   \t ", // 8 blank
                GOOD.replace("\"a\"", "\"second\""), // 9 ok
                "{\"id\": 5, \"width\": 1, \"height\": 1, \"gt\": [], \"completions\": [\"c\"]}", // 10
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [[1,2,3,\"4\"]], \"completions\": [\"c\"]}", // 11
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [], \"completions\": [\"c\", 3]}", // 12
                "[1, 2]", // 13
                "{\"id\": \"x\", \"width\": 1e400, \"height\": 1, \"gt\": [], \"completions\": [\"c\"]}", // 14
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [], \"completions\": [\"c\"]} trailing", // 15
                "{\"id\": \"x\", \"width\": 1, \"height\": 1, \"gt\": [], \"ignore\": [[0,0]], \"completions\": [\"c\"]}", // 16
                "{\"id\": \"third\", \"width\": 1, \"height\": 1, \"gt\": [], \"ignore\": null, \"completions\": [\"c\"]}" // 17 ok
                );
        Run r = run(input);
        assertEquals(new JsonlScorer.Summary(3, 12), r.summary());
        assertEquals(
                List.of("first", "second", "third"),
                r.out().stream()
                        .map(l -> {
                            try {
                                return JSON.readTree(l).get("id").textValue();
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        })
                        .toList());
        List<String> numbers =
                r.err().stream().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(
                List.of(
                        "line 2", "line 4", "line 5", "line 6", "line 7", "line 10", "line 11", "line 12", "line 13",
                        "line 14", "line 15", "line 16"),
                numbers);
        assertTrue(r.err().get(1).contains("width"), r.err().get(1));
        assertTrue(r.err().get(2).contains("gt[0]"), r.err().get(2));
        assertTrue(r.err().get(3).contains("completions"), r.err().get(3));
        assertTrue(r.err().get(4).contains("missing field \"id\""), r.err().get(4));
    }

    @Test
    void emptyInputWritesNothing() {
        Run r = run("");
        assertEquals(new JsonlScorer.Summary(0, 0), r.summary());
        assertEquals(List.of(), r.out());
    }

    @Test
    void zeroVarianceGroupIsFlagged() throws Exception {
        Run r = run("{\"id\": \"z\", \"width\": 10, \"height\": 10, \"gt\": [], \"completions\": [\"x\", \"y\"]}");
        JsonNode o = JSON.readTree(r.out().get(0));
        assertTrue(o.get("zero_variance").booleanValue());
        assertEquals(0.0, o.get("rewards").get(1).get("advantage").doubleValue());
    }
}
