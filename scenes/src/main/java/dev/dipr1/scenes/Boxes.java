package dev.dipr1.scenes;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Parsing of {@code [x, y, w, h]} boxes, 0/1 flags and image sizes, shared by the loaders. */
final class Boxes {

    private Boxes() {}

    /**
     * {@code [x, y, w, h]} of four finite numbers with {@code w, h >= 0}.
     *
     * @throws IllegalArgumentException saying what is wrong, naming {@code key}
     */
    static PixelBox xywh(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("missing \"" + key + "\"");
        }
        if (!node.isArray() || node.size() != 4) {
            throw new IllegalArgumentException("\"" + key + "\" must be [x, y, w, h] (4 numbers), was " + node);
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            JsonNode n = node.get(i);
            if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
                throw new IllegalArgumentException("\"" + key + "\" must be [x, y, w, h] (4 numbers), was " + node);
            }
            v[i] = n.asDouble();
        }
        if (v[2] < 0 || v[3] < 0) {
            throw new IllegalArgumentException("\"" + key + "\" has a negative width or height: " + node);
        }
        return PixelBox.fromXywh(v[0], v[1], v[2], v[3]);
    }

    /**
     * A 0/1 (or boolean) flag under {@code key} of {@code parent}; absent is false.
     *
     * @param label how the flag is named in the error message
     * @throws IllegalArgumentException when it is anything else
     */
    static boolean flag(JsonNode parent, String key, String label) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber() && (n.asDouble() == 0 || n.asDouble() == 1)) {
            return n.asDouble() == 1;
        }
        throw new IllegalArgumentException(label + " must be 0 or 1, was " + n);
    }

    /**
     * An optional image size under {@code key} of {@code node}: absent or null is {@code null}, otherwise a
     * positive integer.
     *
     * @param where where in {@code file} the node is, for the error message
     */
    static Integer optionalSize(Path file, String where, JsonNode node, String key) throws AnnotationFormatException {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToExactIntegral() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
            throw new AnnotationFormatException(file, where, "\"" + key + "\" must be a positive integer, was " + n);
        }
        return n.asInt();
    }
}
