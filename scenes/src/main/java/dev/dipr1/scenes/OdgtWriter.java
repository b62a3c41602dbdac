package dev.dipr1.scenes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.common.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes annotations in CrowdHuman's {@code .odgt} format: one JSON object per line,
 *
 * <pre>{"ID": id, "width": w, "height": h, "gtboxes": [{"tag": "person", "fbox": [x, y, w, h],
 *  "vbox": [x, y, w, h], "extra": {"ignore": 0|1, "visibility": v}}, …]}</pre>
 *
 * An ignored person keeps tag {@code person} with {@code extra.ignore = 1} (CrowdHuman's own ignore
 * regions use tag {@code mask}; {@link OdgtLoader} reads both). Integral coordinates are written as
 * integers, others as full-precision decimals, so a round trip through {@link OdgtLoader} is exact.
 */
public final class OdgtWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OdgtWriter() {}

    /** Writes all scenes' annotations to {@code odgtFile} (replaced atomically where the file system allows). */
    public static void write(Path odgtFile, List<Scene> scenes) throws IOException {
        AtomicFiles.write(odgtFile, stream -> {
            try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8))) {
                for (Scene scene : scenes) {
                    out.write(MAPPER.writeValueAsString(toJson(scene)));
                    out.write('\n');
                }
            }
        });
    }

    /** One scene as an {@code .odgt} line (without the newline). */
    public static String toLine(Scene scene) throws IOException {
        return MAPPER.writeValueAsString(toJson(scene));
    }

    static ObjectNode toJson(Scene scene) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("ID", scene.id());
        line.put("width", scene.width());
        line.put("height", scene.height());
        ArrayNode boxes = line.putArray("gtboxes");
        for (Person p : scene.persons()) {
            ObjectNode box = boxes.addObject();
            box.put("tag", "person");
            xywh(box.putArray("fbox"), p.full());
            xywh(box.putArray("vbox"), p.visible());
            ObjectNode extra = box.putObject("extra");
            extra.put("ignore", p.ignored() ? 1 : 0);
            extra.put("visibility", p.visibility());
        }
        return line;
    }

    private static void xywh(ArrayNode array, PixelBox box) {
        for (double v : box.toXywh()) {
            if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
                array.add((long) v);
            } else {
                array.add(v);
            }
        }
    }
}
