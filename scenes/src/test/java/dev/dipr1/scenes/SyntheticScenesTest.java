package dev.dipr1.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SyntheticScenesTest {

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticScenesTest.class);
    private static final int N = 300;

    private static List<Scene> train;
    private static List<Scene> inDomain;
    private static List<Scene> ood;

    @BeforeAll
    static void generateSamples() {
        SyntheticScenes.generate(Split.TRAIN, 7, 1000, 200); // warm-up, for the timing below
        long t0 = System.nanoTime();
        train = SyntheticScenes.generate(Split.TRAIN, 7, 0, N);
        long t1 = System.nanoTime();
        inDomain = SyntheticScenes.generate(Split.IN_DOMAIN, 7, 0, N);
        ood = SyntheticScenes.generate(Split.OOD, 7, 0, N);
        Stats s = Stats.of(train);
        LOG.info(
                "generation {} ms/image; train: {} people/image counted, {} annotated, {} of counted >10% occluded",
                String.format("%.3f", (t1 - t0) / 1e6 / N),
                String.format("%.2f", s.countedPerImage),
                String.format("%.2f", s.annotatedPerImage),
                String.format("%.3f", s.occludedFraction));
    }

    @Test
    void sameArgumentsGiveIdenticalScenes() {
        Scene a = SyntheticScenes.generate(Split.TRAIN, 42, 5);
        Scene b = SyntheticScenes.generate(Split.TRAIN, 42, 5);
        assertEquals(a.id(), b.id());
        assertArrayEquals(pixels(a), pixels(b));
        assertEquals(a.persons(), b.persons());
        assertEquals(
                train.get(17).persons(),
                SyntheticScenes.generate(Split.TRAIN, 7, 17).persons());
    }

    @Test
    void differentIndexOrSeedGivesDifferentScenes() {
        Scene a = SyntheticScenes.generate(Split.TRAIN, 42, 5);
        assertFalse(java.util.Arrays.equals(pixels(a), pixels(SyntheticScenes.generate(Split.TRAIN, 42, 6))));
        assertFalse(java.util.Arrays.equals(pixels(a), pixels(SyntheticScenes.generate(Split.TRAIN, 43, 5))));
        assertNotEquals(a.id(), SyntheticScenes.generate(Split.TRAIN, 42, 6).id());
    }

    @Test
    void splitsNeverShareAnImageSeed() {
        Set<Long> seeds = new HashSet<>();
        for (Split split : Split.values()) {
            for (int i = 0; i < 20_000; i++) {
                assertTrue(
                        seeds.add(SyntheticScenes.imageSeed(split, 7, i)),
                        "seed of " + split + " #" + i + " already used");
            }
        }
        for (int i = 0; i < 20; i++) {
            assertFalse(java.util.Arrays.equals(pixels(train.get(i)), pixels(inDomain.get(i))));
            assertNotEquals(train.get(i).persons(), inDomain.get(i).persons());
        }
        assertEquals("train-000003", train.get(3).id());
        assertEquals("in-domain-000003", inDomain.get(3).id());
        assertEquals("ood-000003", ood.get(3).id());
    }

    @Test
    void trainStatisticsAreInTheCalibratedBand() {
        Stats s = Stats.of(train);
        assertTrue(s.countedPerImage >= 4 && s.countedPerImage <= 8, "counted/image " + s.countedPerImage);
        assertTrue(
                s.occludedFraction >= 0.25 && s.occludedFraction <= 0.75,
                "fraction of counted people >10% occluded " + s.occludedFraction);
        assertTrue(s.ignoredFraction > 0.05 && s.ignoredFraction < 0.5, "ignored " + s.ignoredFraction);
        for (Scene scene : train) {
            assertEquals(64, scene.width());
            assertEquals(64, scene.height());
            assertEquals(BufferedImage.TYPE_INT_RGB, scene.image().getType());
            int n = scene.persons().size();
            assertTrue(n >= 2 && n <= 12, scene.id() + ": " + n + " people");
            for (Person p : scene.persons()) {
                assertTrue(p.full().height() >= 8 && p.full().height() <= 40, scene.id() + " " + p);
            }
        }
    }

    @Test
    void boxesAreIntegerInsideTheImageAndIgnoredFollowsTheRule() {
        for (List<Scene> scenes : List.of(train, inDomain, ood)) {
            for (Scene scene : scenes) {
                for (Person p : scene.persons()) {
                    PixelBox f = p.full();
                    PixelBox v = p.visible();
                    for (double c : new double[] {f.x1(), f.y1(), f.x2(), f.y2(), v.x1(), v.y1(), v.x2(), v.y2()}) {
                        assertEquals(Math.rint(c), c, scene.id() + ": non-integer coordinate in " + p);
                    }
                    assertTrue(f.x1() >= 0 && f.y1() >= 0 && f.x2() <= 64 && f.y2() <= 64, scene.id() + " " + p);
                    assertTrue(f.x2() > f.x1() && f.y2() > f.y1(), scene.id() + " " + p);
                    assertTrue(
                            v.x1() >= f.x1() && v.y1() >= f.y1() && v.x2() <= f.x2() && v.y2() <= f.y2(),
                            scene.id() + ": visible box outside full box " + p);
                    assertTrue(p.visibility() >= 0 && p.visibility() <= 1, scene.id() + " " + p);
                    assertEquals(p.visibility() < 0.35 || f.height() < 8, p.ignored(), scene.id() + " " + p);
                    if (p.visibility() > 0) {
                        assertTrue(v.area() > 0, scene.id() + " " + p);
                    }
                }
                assertEquals(
                        scene.persons().stream().filter(p -> !p.ignored()).count(),
                        scene.boxes().size());
            }
        }
    }

    @Test
    void inDomainIsTheSameDistributionAsTrain() {
        Stats a = Stats.of(train);
        Stats b = Stats.of(inDomain);
        assertEquals(a.countedPerImage, b.countedPerImage, 0.8);
        assertEquals(a.meanHeight, b.meanHeight, 2.0);
    }

    @Test
    void oodIsDenserSmallerAndLowerContrast() {
        Stats a = Stats.of(train);
        Stats o = Stats.of(ood);
        assertTrue(
                o.annotatedPerImage > a.annotatedPerImage + 1.5,
                "ood " + o.annotatedPerImage + " vs train " + a.annotatedPerImage + " people/image");
        assertTrue(o.meanHeight < a.meanHeight - 3, "ood " + o.meanHeight + " vs train " + a.meanHeight + " px");
        for (Scene s : ood) {
            int n = s.persons().size();
            assertTrue(n >= 4 && n <= 14, s.id() + ": " + n + " people");
            s.persons().forEach(p -> assertTrue(p.full().height() <= 32, s.id() + " " + p));
        }
        assertTrue(o.pixelSpread < a.pixelSpread, "ood pixel spread " + o.pixelSpread + " vs train " + a.pixelSpread);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticScenes.generate(Split.TRAIN, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticScenes.generate(Split.TRAIN, 1, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticScenes.generate(null, 1, 0));
        assertEquals(List.of(), SyntheticScenes.generate(Split.OOD, 1, 0, 0));
    }

    static int[] pixels(Scene s) {
        return s.image().getRGB(0, 0, s.width(), s.height(), null, 0, s.width());
    }

    /** Summary statistics over a sample of scenes. */
    record Stats(
            double annotatedPerImage,
            double countedPerImage,
            double ignoredFraction,
            double occludedFraction,
            double meanHeight,
            double pixelSpread) {

        static Stats of(List<Scene> scenes) {
            int annotated = 0;
            int counted = 0;
            int occluded = 0;
            double heights = 0;
            double spread = 0;
            for (Scene s : scenes) {
                for (Person p : s.persons()) {
                    annotated++;
                    heights += p.full().height();
                    if (!p.ignored()) {
                        counted++;
                        if (p.visibility() < 0.9) {
                            occluded++;
                        }
                    }
                }
                spread += meanAbsoluteDeviationFromRowMean(s);
            }
            int n = scenes.size();
            return new Stats(
                    annotated / (double) n,
                    counted / (double) n,
                    (annotated - counted) / (double) annotated,
                    occluded / (double) counted,
                    heights / annotated,
                    spread / n);
        }

        /** How far pixels stray from their row's mean (the background is a vertical gradient). */
        private static double meanAbsoluteDeviationFromRowMean(Scene s) {
            int[] px = pixels(s);
            double total = 0;
            for (int y = 0; y < s.height(); y++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    double mean = 0;
                    for (int x = 0; x < s.width(); x++) {
                        mean += (px[y * s.width() + x] >> shift) & 0xff;
                    }
                    mean /= s.width();
                    for (int x = 0; x < s.width(); x++) {
                        total += Math.abs(((px[y * s.width() + x] >> shift) & 0xff) - mean);
                    }
                }
            }
            return total / (3.0 * s.width() * s.height());
        }
    }
}
