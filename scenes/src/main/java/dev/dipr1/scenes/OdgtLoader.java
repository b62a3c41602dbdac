package dev.dipr1.scenes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads CrowdHuman {@code .odgt} annotations (one JSON object per line) with their images
 * {@code imageDir/<ID>.png} or {@code .jpg}.
 *
 * <ul>
 *   <li>Boxes are {@code [x, y, w, h]}: {@code fbox} is the full body, {@code vbox} the visible part
 *       (taken as {@code fbox} when absent). Other keys ({@code hbox}, {@code head_attr}, …) are
 *       ignored.
 *   <li>Tag {@code person} with {@code extra.ignore = 1}, and tag {@code mask}, become ignored persons
 *       (ignore regions); other tags are skipped.
 *   <li>Visibility is {@code extra.visibility} when present, else the area of {@code vbox ∩ fbox}
 *       over the area of {@code fbox}.
 *   <li>{@code width}/{@code height} are optional (CrowdHuman has none); when present they must match
 *       the image.
 *   <li>A malformed line throws {@link AnnotationFormatException} naming the file, the 1-based line
 *       number and what is wrong; blank lines are skipped. An image that is not found is skipped,
 *       logged at WARN and counted in {@link LoadResult#missingImages()}.
 * </ul>
 *
 * <p>Images are held in memory as given: load full-size CrowdHuman in slices, or downscale first.
 */
public final class OdgtLoader {

    private static final Logger LOG = LoggerFactory.getLogger(OdgtLoader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OdgtLoader() {}

    /** Reads a dataset written by {@link DatasetWriter}: {@code dir/annotations.odgt} and {@code dir/images/}. */
    public static LoadResult loadDataset(Path datasetDir) throws IOException {
        return load(datasetDir.resolve(DatasetWriter.ANNOTATIONS_FILE), datasetDir.resolve(DatasetWriter.IMAGES_DIR));
    }

    public static LoadResult load(Path odgtFile, Path imageDir) throws IOException {
        List<Scene> scenes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int missing = 0;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(odgtFile, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                lineNo++;
                if (text.isBlank()) {
                    continue;
                }
                Entry entry = parseLine(odgtFile, lineNo, text);
                if (!ids.add(entry.id)) {
                    throw AnnotationFormatException.atLine(odgtFile, lineNo, "duplicate ID '" + entry.id + "'", null);
                }
                Optional<Path> imageFile = Images.findById(imageDir, entry.id);
                if (imageFile.isEmpty()) {
                    LOG.warn("{}:{}: no image {}/{}.png or .jpg: skipped", odgtFile, lineNo, imageDir, entry.id);
                    missing++;
                    continue;
                }
                BufferedImage image = Images.readRgb(imageFile.get());
                if ((entry.width != null && entry.width != image.getWidth())
                        || (entry.height != null && entry.height != image.getHeight())) {
                    throw AnnotationFormatException.atLine(
                            odgtFile,
                            lineNo,
                            "declares "
                                    + entry.width + "x" + entry.height + " but " + imageFile.get() + " is "
                                    + image.getWidth() + "x" + image.getHeight(),
                            null);
                }
                scenes.add(new Scene(entry.id, image.getWidth(), image.getHeight(), image, List.copyOf(entry.persons)));
            }
        }
        LOG.debug("{}: {} scenes, {} missing images", odgtFile, scenes.size(), missing);
        return new LoadResult(scenes, missing);
    }

    /** One parsed line: the annotation without its image. */
    private record Entry(String id, Integer width, Integer height, List<Person> persons) {}

    private static Entry parseLine(Path file, int lineNo, String text) throws AnnotationFormatException {
        JsonNode line;
        try {
            line = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw AnnotationFormatException.atLine(file, lineNo, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (line == null || !line.isObject()) {
            throw AnnotationFormatException.atLine(file, lineNo, "expected a JSON object", null);
        }
        JsonNode idNode = line.get("ID");
        if (idNode == null
                || !(idNode.isTextual() || idNode.isIntegralNumber())
                || idNode.asText().isBlank()) {
            throw AnnotationFormatException.atLine(file, lineNo, "missing or empty \"ID\"", null);
        }
        String id = idNode.asText();
        Integer width = Boxes.optionalSize(file, "line " + lineNo, line, "width");
        Integer height = Boxes.optionalSize(file, "line " + lineNo, line, "height");
        JsonNode boxes = line.get("gtboxes");
        if (boxes == null || !boxes.isArray()) {
            throw AnnotationFormatException.atLine(file, lineNo, "ID " + id + ": missing \"gtboxes\" array", null);
        }
        List<Person> persons = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            JsonNode box = boxes.get(i);
            String where = "ID " + id + ": gtboxes[" + i + "]: ";
            if (!box.isObject()) {
                throw AnnotationFormatException.atLine(file, lineNo, where + "expected an object", null);
            }
            String tag = box.path("tag").asText("person");
            boolean mask = tag.equals("mask");
            if (!mask && !tag.equals("person")) {
                LOG.debug("{}:{}: {}tag '{}' skipped", file, lineNo, where, tag);
                continue;
            }
            PixelBox full = xywh(file, lineNo, where, box, "fbox");
            PixelBox visible = box.hasNonNull("vbox") ? xywh(file, lineNo, where, box, "vbox") : full;
            JsonNode extra = box.path("extra");
            boolean ignoreFlag;
            try {
                ignoreFlag = Boxes.flag(extra, "ignore", "extra.ignore");
            } catch (IllegalArgumentException e) {
                throw AnnotationFormatException.atLine(file, lineNo, where + e.getMessage(), null);
            }
            double visibility;
            JsonNode vis = extra.get("visibility");
            if (vis != null && !vis.isNull()) {
                if (!vis.isNumber() || !(vis.asDouble() >= 0 && vis.asDouble() <= 1)) {
                    throw AnnotationFormatException.atLine(
                            file, lineNo, where + "extra.visibility must be a number in [0, 1], was " + vis, null);
                }
                visibility = vis.asDouble();
            } else {
                visibility = visibleFraction(full, visible);
            }
            persons.add(new Person(full, visible, visibility, mask || ignoreFlag));
        }
        return new Entry(id, width, height, persons);
    }

    /** Area of {@code visible ∩ full} over the area of {@code full} (1 for an empty full box). */
    static double visibleFraction(PixelBox full, PixelBox visible) {
        double a = full.area();
        if (a <= 0) {
            return 1.0;
        }
        double w = Math.min(full.x2(), visible.x2()) - Math.max(full.x1(), visible.x1());
        double h = Math.min(full.y2(), visible.y2()) - Math.max(full.y1(), visible.y1());
        return w <= 0 || h <= 0 ? 0.0 : Math.min(1.0, w * h / a);
    }

    private static PixelBox xywh(Path file, int lineNo, String where, JsonNode parent, String key)
            throws AnnotationFormatException {
        try {
            return Boxes.xywh(parent.get(key), key);
        } catch (IllegalArgumentException e) {
            throw AnnotationFormatException.atLine(file, lineNo, where + e.getMessage(), null);
        }
    }
}
