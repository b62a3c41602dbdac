package dev.dipr1.scenes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads COCO-style person annotations (CityPersons style) with their images {@code imageDir/<file_name>}.
 *
 * <ul>
 *   <li>{@code images}: {@code id}, {@code file_name} (may contain sub-directories), optional
 *       {@code width}/{@code height} which must then match the image. The scene id is the file name
 *       without directories and extension.
 *   <li>{@code categories}: those named {@code person} or {@code pedestrian} (any case) are people;
 *       without such a category, category id 1 is. Annotations of other categories are skipped.
 *   <li>{@code annotations}: {@code image_id}, {@code category_id} (absent = person), {@code bbox}
 *       {@code [x, y, w, h]} (the full body), optional {@code vis_bbox} (the visible part; else the
 *       full box), {@code iscrowd = 1} or {@code ignore = 1} make the person an ignore region.
 *       Visibility is {@code vis_ratio} when given, else the area of {@code vis_bbox ∩ bbox} over that
 *       of {@code bbox}, else 1.
 *   <li>Every image becomes a scene, also one without annotations (no people in it).
 *   <li>Malformed input throws {@link AnnotationFormatException} naming the file, the offending
 *       annotation or image id and what is wrong. An image that is not found is skipped, logged at
 *       WARN and counted in {@link LoadResult#missingImages()}.
 * </ul>
 */
public final class CocoLoader {

    private static final Logger LOG = LoggerFactory.getLogger(CocoLoader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> PERSON_NAMES = Set.of("person", "pedestrian");

    private CocoLoader() {}

    public static LoadResult load(Path json, Path imageDir) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null
                    ? "JSON"
                    : "line " + e.getLocation().getLineNr() + " column "
                            + e.getLocation().getColumnNr();
            throw new AnnotationFormatException(json, at, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new AnnotationFormatException(json, "top level", "expected a JSON object");
        }
        Set<String> personCategories = personCategories(json, root);

        // Images, in file order, keyed by their id.
        JsonNode imagesNode = array(json, root, "images");
        Map<String, ImageEntry> images = new LinkedHashMap<>();
        Set<String> sceneIds = new HashSet<>();
        for (int i = 0; i < imagesNode.size(); i++) {
            JsonNode img = imagesNode.get(i);
            String where = "images[" + i + "]";
            if (!img.isObject() || !isId(img.get("id"))) {
                throw new AnnotationFormatException(json, where, "expected an object with an \"id\"");
            }
            String imageId = img.get("id").asText();
            where = "image " + imageId;
            JsonNode fileName = img.get("file_name");
            if (fileName == null || !fileName.isTextual() || fileName.asText().isBlank()) {
                throw new AnnotationFormatException(json, where, "missing \"file_name\"");
            }
            String sceneId = stem(fileName.asText());
            if (images.containsKey(imageId)) {
                throw new AnnotationFormatException(json, where, "duplicate image id");
            }
            if (!sceneIds.add(sceneId)) {
                throw new AnnotationFormatException(
                        json, where, "another image has the same file name stem '" + sceneId + "'");
            }
            images.put(
                    imageId,
                    new ImageEntry(
                            imageId,
                            fileName.asText(),
                            sceneId,
                            Boxes.optionalSize(json, where, img, "width"),
                            Boxes.optionalSize(json, where, img, "height"),
                            new ArrayList<>()));
        }

        // People, attached to their image.
        JsonNode annotations = root.has("annotations") ? array(json, root, "annotations") : MAPPER.createArrayNode();
        int skipped = 0;
        for (int i = 0; i < annotations.size(); i++) {
            JsonNode ann = annotations.get(i);
            String where = ann.isObject() && isId(ann.get("id"))
                    ? "annotation " + ann.get("id").asText()
                    : "annotations[" + i + "]";
            if (!ann.isObject()) {
                throw new AnnotationFormatException(json, where, "expected an object");
            }
            JsonNode category = ann.get("category_id");
            if (category != null && !category.isNull()) {
                if (!isId(category)) {
                    throw new AnnotationFormatException(json, where, "\"category_id\" must be an id, was " + category);
                }
                if (!personCategories.contains(category.asText())) {
                    skipped++;
                    continue;
                }
            }
            JsonNode imageId = ann.get("image_id");
            if (!isId(imageId)) {
                throw new AnnotationFormatException(json, where, "missing \"image_id\"");
            }
            ImageEntry image = images.get(imageId.asText());
            if (image == null) {
                throw new AnnotationFormatException(
                        json, where, "\"image_id\" " + imageId.asText() + " is not in \"images\"");
            }
            try {
                PixelBox full = Boxes.xywh(ann.get("bbox"), "bbox");
                PixelBox visible = ann.hasNonNull("vis_bbox") ? Boxes.xywh(ann.get("vis_bbox"), "vis_bbox") : full;
                boolean ignored = Boxes.flag(ann, "iscrowd", "\"iscrowd\"") || Boxes.flag(ann, "ignore", "\"ignore\"");
                double visibility = visibility(ann, full, visible);
                image.persons.add(new Person(full, visible, visibility, ignored));
            } catch (IllegalArgumentException e) {
                throw new AnnotationFormatException(json, where, e.getMessage());
            }
        }
        if (skipped > 0) {
            LOG.debug("{}: {} annotations of other categories skipped", json, skipped);
        }

        List<Scene> scenes = new ArrayList<>(images.size());
        int missing = 0;
        for (ImageEntry entry : images.values()) {
            Path file = imageDir.resolve(entry.fileName);
            if (!Files.isRegularFile(file)) {
                LOG.warn("{}: image {}: no file {}: skipped", json, entry.imageId, file);
                missing++;
                continue;
            }
            BufferedImage image = Images.readRgb(file);
            if ((entry.width != null && entry.width != image.getWidth())
                    || (entry.height != null && entry.height != image.getHeight())) {
                throw new AnnotationFormatException(
                        json,
                        "image " + entry.imageId,
                        "declares "
                                + entry.width + "x" + entry.height + " but " + file + " is "
                                + image.getWidth() + "x" + image.getHeight());
            }
            scenes.add(
                    new Scene(entry.sceneId, image.getWidth(), image.getHeight(), image, List.copyOf(entry.persons)));
        }
        LOG.debug("{}: {} scenes, {} missing images", json, scenes.size(), missing);
        return new LoadResult(scenes, missing);
    }

    private record ImageEntry(
            String imageId, String fileName, String sceneId, Integer width, Integer height, List<Person> persons) {}

    /** Ids of the person categories: by name, else {@code 1}. */
    private static Set<String> personCategories(Path json, JsonNode root) throws AnnotationFormatException {
        Set<String> ids = new HashSet<>();
        JsonNode categories = root.get("categories");
        if (categories != null && !categories.isNull()) {
            if (!categories.isArray()) {
                throw new AnnotationFormatException(json, "categories", "expected an array");
            }
            for (JsonNode c : categories) {
                String name = c.path("name").asText("").toLowerCase(Locale.ROOT);
                if (PERSON_NAMES.contains(name) && isId(c.get("id"))) {
                    ids.add(c.get("id").asText());
                }
            }
        }
        if (ids.isEmpty()) {
            ids.add("1");
        }
        return ids;
    }

    private static double visibility(JsonNode ann, PixelBox full, PixelBox visible) {
        JsonNode ratio = ann.get("vis_ratio");
        if (ratio != null && !ratio.isNull()) {
            if (!ratio.isNumber() || !(ratio.asDouble() >= 0 && ratio.asDouble() <= 1)) {
                throw new IllegalArgumentException("\"vis_ratio\" must be a number in [0, 1], was " + ratio);
            }
            return ratio.asDouble();
        }
        return OdgtLoader.visibleFraction(full, visible);
    }

    private static boolean isId(JsonNode n) {
        return n != null
                && (n.isIntegralNumber() || (n.isTextual() && !n.asText().isBlank()));
    }

    private static JsonNode array(Path json, JsonNode root, String key) throws AnnotationFormatException {
        JsonNode n = root.get(key);
        if (n == null || !n.isArray()) {
            throw new AnnotationFormatException(json, "top level", "missing \"" + key + "\" array");
        }
        return n;
    }

    /** {@code a/b/name.png} → {@code name}. */
    private static String stem(String fileName) {
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
