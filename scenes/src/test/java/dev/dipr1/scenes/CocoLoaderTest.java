package dev.dipr1.scenes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoLoaderTest {

    /** CityPersons-like: pedestrians, a rider category, crowd and ignore flags, vis_bbox. */
    private static final String JSON = """
            {
              "images": [
                {"id": 1, "file_name": "frankfurt/f_000001.png", "width": 80, "height": 60},
                {"id": 2, "file_name": "f_000002.jpg"},
                {"id": 3, "file_name": "absent.png", "width": 80, "height": 60},
                {"id": 4, "file_name": "empty.png"}
              ],
              "categories": [{"id": 1, "name": "pedestrian"}, {"id": 2, "name": "rider"}],
              "annotations": [
                {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 5, 12, 30], "vis_bbox": [10, 5, 12, 15], "iscrowd": 0, "ignore": 0},
                {"id": 11, "image_id": 1, "category_id": 1, "bbox": [40, 5, 20, 30], "iscrowd": 1},
                {"id": 12, "image_id": 1, "category_id": 2, "bbox": [60, 5, 10, 20]},
                {"id": 13, "image_id": 2, "category_id": 1, "bbox": [1.5, 2, 4, 8], "ignore": 1},
                {"id": 14, "image_id": 2, "category_id": 1, "bbox": [20, 10, 8, 24], "vis_ratio": 0.8},
                {"id": 15, "image_id": 3, "category_id": 1, "bbox": [0, 0, 5, 5]}
              ]
            }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void images() throws IOException {
        Files.createDirectories(dir.resolve("frankfurt"));
        image("frankfurt/f_000001.png", "png", 80, 60);
        image("f_000002.jpg", "jpg", 50, 40);
        image("empty.png", "png", 16, 16);
    }

    @Test
    void readsPeopleIgnoreFlagsAndVisibleBoxes() throws IOException {
        LoadResult r = CocoLoader.load(json(JSON), dir);

        assertEquals(1, r.missingImages());
        assertEquals(
                List.of("f_000001", "f_000002", "empty"),
                r.scenes().stream().map(Scene::id).toList());

        Scene first = r.scenes().get(0);
        assertEquals(80, first.width());
        assertEquals(2, first.persons().size(), "the rider is not a person");
        Person p = first.persons().get(0);
        assertEquals(new PixelBox(10, 5, 22, 35), p.full());
        assertEquals(new PixelBox(10, 5, 22, 20), p.visible());
        assertEquals(0.5, p.visibility(), 1e-12);
        assertFalse(p.ignored());
        Person crowd = first.persons().get(1);
        assertTrue(crowd.ignored());
        assertEquals(crowd.full(), crowd.visible());
        assertEquals(1.0, crowd.visibility());
        assertEquals(List.of(new PixelBox(10, 5, 22, 35)), first.boxes());
        assertEquals(List.of(new PixelBox(40, 5, 60, 35)), first.ignoreRegions());

        Scene second = r.scenes().get(1);
        assertEquals(50, second.width());
        assertTrue(second.persons().get(0).ignored());
        assertEquals(new PixelBox(1.5, 2, 5.5, 10), second.persons().get(0).full());
        assertEquals(0.8, second.persons().get(1).visibility());

        assertEquals(List.of(), r.scenes().get(2).persons());
    }

    @Test
    void withoutNamedCategoriesCategoryOneIsPerson() throws IOException {
        String json = """
                {"images": [{"id": 7, "file_name": "empty.png"}],
                 "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [1, 1, 4, 8]},
                                 {"id": 2, "image_id": 7, "category_id": 3, "bbox": [1, 1, 4, 8]}]}
                """;
        assertEquals(
                1, CocoLoader.load(json(json), dir).scenes().get(0).persons().size());
    }

    @Test
    void badBboxNamesFileAndAnnotation() throws IOException {
        Path file = json(JSON.replace("\"bbox\": [40, 5, 20, 30]", "\"bbox\": [40, 5, 20]"));
        AnnotationFormatException e = assertThrows(AnnotationFormatException.class, () -> CocoLoader.load(file, dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("annotation 11"), e.getMessage());
        assertTrue(e.getMessage().contains("bbox"), e.getMessage());
    }

    @Test
    void otherErrorsNameWhatIsWrong() throws IOException {
        assertError(
                JSON.replace(
                        "\"image_id\": 2, \"category_id\": 1, \"bbox\": [20",
                        "\"image_id\": 99, \"category_id\": 1, \"bbox\": [20"),
                "annotation 14",
                "99");
        assertError(
                JSON.replace("\"file_name\": \"f_000002.jpg\"", "\"name\": \"f_000002.jpg\""), "image 2", "file_name");
        assertError(JSON.replace("\"iscrowd\": 1", "\"iscrowd\": 5"), "annotation 11", "iscrowd");
        assertError(JSON.replace("\"vis_ratio\": 0.8", "\"vis_ratio\": 2"), "annotation 14", "vis_ratio");
        assertError(
                JSON.replace("\"width\": 80, \"height\": 60}", "\"width\": 81, \"height\": 60}"), "image 1", "81x60");
        assertError("{\"images\": [", "line", "not valid JSON");
        assertError("{\"annotations\": []}", "top level", "images");
    }

    private void assertError(String json, String where, String what) throws IOException {
        Path file = json(json);
        AnnotationFormatException e = assertThrows(AnnotationFormatException.class, () -> CocoLoader.load(file, dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(where), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    private Path json(String content) throws IOException {
        return Files.writeString(dir.resolve("annotations.json"), content);
    }

    private void image(String name, String format, int w, int h) throws IOException {
        assertTrue(ImageIO.write(
                new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB),
                format,
                dir.resolve(name).toFile()));
    }
}
