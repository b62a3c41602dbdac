package dev.dipr1.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OdgtTest {

    private static final String GOOD =
            "{\"ID\":\"a\",\"gtboxes\":[{\"tag\":\"person\",\"fbox\":[1,2,10,20],\"vbox\":[1,2,10,10]}]}";

    @TempDir
    Path dir;

    @Test
    void datasetRoundTripIsExact() throws IOException {
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 3, 0, 25);
        DatasetSummary summary = DatasetWriter.write(dir, scenes);

        assertEquals(25, summary.images());
        assertEquals(scenes.stream().mapToInt(s -> s.persons().size()).sum(), summary.persons());
        assertEquals(scenes.stream().mapToInt(s -> s.boxes().size()).sum(), summary.counted());
        assertTrue(Files.isRegularFile(dir.resolve("images/train-000000.png")));
        assertEquals(25, Files.readAllLines(dir.resolve("annotations.odgt")).size());

        LoadResult back = OdgtLoader.loadDataset(dir);
        assertEquals(0, back.missingImages());
        assertEquals(scenes.size(), back.scenes().size());
        for (int i = 0; i < scenes.size(); i++) {
            Scene a = scenes.get(i);
            Scene b = back.scenes().get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.width(), b.width());
            assertEquals(a.height(), b.height());
            assertEquals(a.persons(), b.persons(), a.id());
            assertEquals(a.boxes(), b.boxes());
            assertEquals(a.ignoreRegions(), b.ignoreRegions());
            assertArrayEquals(SyntheticScenesTest.pixels(a), SyntheticScenesTest.pixels(b), a.id());
            assertArrayEquals(a.pixelsChw(), b.pixelsChw(), a.id());
        }
    }

    @Test
    void writesTheDocumentedLineFormat() throws IOException {
        Scene scene = new Scene(
                "x",
                64,
                64,
                new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB),
                List.of(
                        new Person(new PixelBox(1, 2, 11, 22), new PixelBox(1, 2, 11, 12), 0.5, false),
                        new Person(new PixelBox(30, 5, 38, 25), new PixelBox(30, 5, 32, 9), 0.125, true)));
        assertEquals(
                "{\"ID\":\"x\",\"width\":64,\"height\":64,\"gtboxes\":["
                        + "{\"tag\":\"person\",\"fbox\":[1,2,10,20],\"vbox\":[1,2,10,10],\"extra\":{\"ignore\":0,\"visibility\":0.5}},"
                        + "{\"tag\":\"person\",\"fbox\":[30,5,8,20],\"vbox\":[30,5,2,4],\"extra\":{\"ignore\":1,\"visibility\":0.125}}]}",
                OdgtWriter.toLine(scene));
    }

    @Test
    void readsCrowdHumanStyleLines() throws IOException {
        // CrowdHuman: no width/height, hbox and head_attr, tag "mask" for ignore regions, jpg images.
        Path odgt = write(
                "ch.odgt",
                "{\"ID\": \"273271,c9db000d5146c15\", \"gtboxes\": ["
                        + "{\"tag\": \"person\", \"hbox\": [5, 2, 4, 4], \"head_attr\": {\"ignore\": 0},"
                        + " \"fbox\": [4, 2, 10, 30], \"vbox\": [4, 2, 10, 15], \"extra\": {\"box_id\": 0, \"occ\": 1}},"
                        + "{\"tag\": \"person\", \"fbox\": [-3, 0, 8, 12], \"vbox\": [0, 0, 5, 12], \"extra\": {\"ignore\": 1}},"
                        + "{\"tag\": \"mask\", \"fbox\": [20, 20, 10, 10], \"vbox\": [20, 20, 10, 10], \"extra\": {\"ignore\": 1}}]}");
        image("273271,c9db000d5146c15.jpg", "jpg", 40, 36);

        LoadResult r = OdgtLoader.load(odgt, dir);

        assertEquals(0, r.missingImages());
        Scene s = r.scenes().get(0);
        assertEquals("273271,c9db000d5146c15", s.id());
        assertEquals(40, s.width());
        assertEquals(36, s.height());
        assertEquals(3, s.persons().size());
        Person first = s.persons().get(0);
        assertEquals(new PixelBox(4, 2, 14, 32), first.full());
        assertEquals(new PixelBox(4, 2, 14, 17), first.visible());
        assertEquals(0.5, first.visibility(), 1e-12);
        assertFalse(first.ignored());
        assertTrue(s.persons().get(1).ignored());
        assertTrue(s.persons().get(2).ignored());
        assertEquals(List.of(new PixelBox(4, 2, 14, 32)), s.boxes());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json                                                   | not valid JSON",
                "[1, 2]                                                      | expected a JSON object",
                "{\"gtboxes\": []}                                           | ID",
                "{\"ID\": \"b\"}                                             | gtboxes",
                "{\"ID\": \"b\", \"gtboxes\": [{\"tag\": \"person\"}]}       | fbox",
                "{\"ID\": \"b\", \"gtboxes\": [{\"fbox\": [1, 2, 3]}]}       | fbox",
                "{\"ID\": \"b\", \"gtboxes\": [{\"fbox\": [1, 2, -3, 4]}]}   | negative",
                "{\"ID\": \"b\", \"gtboxes\": [{\"fbox\": [1, 2, 3, \"4\"]}]} | fbox",
                "{\"ID\": \"b\", \"width\": -4, \"gtboxes\": []}             | width",
                "{\"ID\": \"b\", \"gtboxes\": [{\"fbox\": [1,2,3,4], \"extra\": {\"ignore\": 2}}]} | ignore",
                "{\"ID\": \"b\", \"gtboxes\": [{\"fbox\": [1,2,3,4], \"extra\": {\"visibility\": 1.5}}]} | visibility",
                "{\"ID\": \"a\", \"gtboxes\": []}                            | duplicate ID",
            })
    void malformedLineNamesFileAndLine(String badLine, String problem) throws IOException {
        Path odgt = write("bad.odgt", GOOD + "\n\n" + badLine.strip() + "\n" + GOOD.replace("\"a\"", "\"c\""));
        image("a.png", "png", 64, 64);

        AnnotationFormatException e = assertThrows(AnnotationFormatException.class, () -> OdgtLoader.load(odgt, dir));

        assertTrue(e.getMessage().contains("bad.odgt"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals("line 3", e.location());
        assertEquals(odgt, e.file());
    }

    @Test
    void declaredSizeMustMatchTheImage() throws IOException {
        Path odgt = write("size.odgt", "{\"ID\": \"a\", \"width\": 64, \"height\": 64, \"gtboxes\": []}");
        image("a.png", "png", 32, 64);
        AnnotationFormatException e = assertThrows(AnnotationFormatException.class, () -> OdgtLoader.load(odgt, dir));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("32x64"), e.getMessage());
    }

    @Test
    void missingImageIsSkippedAndCounted() throws IOException {
        Path odgt = write(
                "m.odgt",
                String.join("\n", GOOD, GOOD.replace("\"a\"", "\"gone\""), GOOD.replace("\"a\"", "\"b\""), ""));
        image("a.png", "png", 64, 64);
        image("b.jpg", "jpg", 64, 64);

        LoadResult r = OdgtLoader.load(odgt, dir);

        assertEquals(1, r.missingImages());
        assertEquals(List.of("a", "b"), r.scenes().stream().map(Scene::id).toList());
    }

    @Test
    void unreadableImageIsAnError() throws IOException {
        Path odgt = write("u.odgt", GOOD);
        Files.writeString(dir.resolve("a.png"), "not a png");
        IOException e = assertThrows(IOException.class, () -> OdgtLoader.load(odgt, dir));
        assertTrue(e.getMessage().contains("a.png"), e.getMessage());
    }

    @Test
    void writerRejectsIdsThatAreNotFileNames() {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetWriter.write(dir, List.of(new Scene("../x", 8, 8, img, List.of()))));
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetWriter.write(
                        dir, List.of(new Scene("x", 8, 8, img, List.of()), new Scene("x", 8, 8, img, List.of()))));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private void image(String name, String format, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0x336699);
        assertTrue(ImageIO.write(img, format, dir.resolve(name).toFile()));
    }
}
