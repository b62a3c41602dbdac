package dev.dipr1.rewards;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dipr1 score} contract: JSON Lines in, one group per line, one JSON line out per good
 * input line, in input order.
 *
 * <pre>
 * in:  {"id": "...", "width": W, "height": H, "gt": [[x1,y1,x2,y2], ...], "ignore": [[...]] (optional),
 *       "completions": ["...", ...]}
 * out: {"id": "...", "zero_variance": false,
 *       "rewards": [{"format": f, "look": l, "accuracy": a, "total": t, "advantage": A}, ...]}
 * </pre>
 *
 * A malformed line writes {@code line N: <problem>} (N counts from 1, blank lines included) to the
 * error writer and is skipped; blank lines are skipped silently. Unknown fields are ignored; an
 * explicit {@code "ignore": null} means no ignore regions.
 */
public final class JsonlScorer {

    /** How many lines were scored and how many were rejected. */
    public record Summary(long ok, long failed) {}

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlScorer() {}

    /**
     * Scores every line of {@code in}, writing results to {@code out} and problems to {@code err}; flushes both.
     *
     * @throws UncheckedIOException when reading or writing fails
     */
    public static Summary run(BufferedReader in, Writer out, Writer err, RewardConfig c) {
        long ok = 0;
        long failed = 0;
        long lineNumber = 0;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // byte-order mark
                }
                if (line.isBlank()) {
                    continue;
                }
                String result;
                try {
                    result = scoreLine(line, c);
                } catch (BadLine e) {
                    err.write("line " + lineNumber + ": " + e.getMessage() + "\n");
                    failed++;
                    continue;
                }
                out.write(result);
                out.write('\n');
                ok++;
            }
            out.flush();
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Summary(ok, failed);
    }

    /** Scores one non-blank line; its JSON result without the newline. */
    static String scoreLine(String line, RewardConfig c) throws BadLine {
        GroupInput input = parseLine(line);
        GroupScore score;
        try {
            score = GroupScorer.score(input, c);
        } catch (RuntimeException e) { // never expected: reported rather than fatal
            throw new BadLine("internal error while scoring: " + e);
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", input.id());
        o.put("zero_variance", score.zeroVariance());
        ArrayNode rewards = o.putArray("rewards");
        for (CompletionScore s : score.completions()) {
            ObjectNode r = rewards.addObject();
            r.put("format", s.format());
            r.put("look", s.look());
            r.put("accuracy", s.accuracy());
            r.put("total", s.total());
            r.put("advantage", s.advantage());
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new BadLine("cannot write the result: " + e.getOriginalMessage());
        }
    }

    /** Reads and validates one input line. */
    static GroupInput parseLine(String line) throws BadLine {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("bad JSON: " + firstLine(e.getOriginalMessage()));
        } catch (RuntimeException e) { // e.g. number length constraints
            throw new BadLine("bad JSON: " + firstLine(String.valueOf(e.getMessage())));
        }
        if (root == null || !root.isObject()) {
            throw new BadLine("expected a JSON object");
        }
        JsonNode id = required(root, "id");
        if (!id.isTextual()) {
            throw new BadLine("\"id\" must be a string");
        }
        double width = positive(root, "width");
        double height = positive(root, "height");
        List<Box> gt = boxes(required(root, "gt"), "gt");
        JsonNode ignoreNode = root.get("ignore");
        List<Box> ignore = ignoreNode == null || ignoreNode.isNull() ? List.of() : boxes(ignoreNode, "ignore");
        JsonNode completionsNode = required(root, "completions");
        if (!completionsNode.isArray() || completionsNode.isEmpty()) {
            throw new BadLine("\"completions\" must be a non-empty array of strings");
        }
        List<String> completions = new ArrayList<>(completionsNode.size());
        for (int i = 0; i < completionsNode.size(); i++) {
            JsonNode t = completionsNode.get(i);
            if (!t.isTextual()) {
                throw new BadLine("completions[" + i + "] is not a string");
            }
            completions.add(t.textValue());
        }
        return new GroupInput(id.textValue(), width, height, gt, ignore, completions);
    }

    private static JsonNode required(JsonNode root, String field) throws BadLine {
        JsonNode v = root.get(field);
        if (v == null) {
            throw new BadLine("missing field \"" + field + "\"");
        }
        return v;
    }

    private static double positive(JsonNode root, String field) throws BadLine {
        JsonNode v = required(root, field);
        if (!v.isNumber() || !(v.doubleValue() > 0.0) || !Double.isFinite(v.doubleValue())) {
            throw new BadLine("\"" + field + "\" must be a finite number > 0, got " + abbreviate(v.toString()));
        }
        return v.doubleValue();
    }

    private static List<Box> boxes(JsonNode node, String field) throws BadLine {
        if (!node.isArray()) {
            throw new BadLine("\"" + field + "\" must be an array of [x1, y1, x2, y2] boxes");
        }
        List<Box> boxes = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode b = node.get(i);
            boolean good = b.isArray() && b.size() == 4;
            for (int k = 0; good && k < 4; k++) {
                good = b.get(k).isNumber() && Double.isFinite(b.get(k).doubleValue());
            }
            if (!good) {
                throw new BadLine(field + "[" + i + "] is not 4 finite numbers: " + abbreviate(b.toString()));
            }
            boxes.add(new Box(
                    b.get(0).doubleValue(),
                    b.get(1).doubleValue(),
                    b.get(2).doubleValue(),
                    b.get(3).doubleValue()));
        }
        return boxes;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** A line that cannot be scored; the message says why. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
