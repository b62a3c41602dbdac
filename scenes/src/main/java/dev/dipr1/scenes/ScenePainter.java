package dev.dipr1.scenes;

import static dev.dipr1.scenes.SyntheticScenes.NOISE_SIGMA;
import static dev.dipr1.scenes.SyntheticScenes.SIZE;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Paints one synthetic scene of {@link SyntheticScenes}: background gradient, clutter, people and poles drawn
 * far-to-near into a canvas and an index buffer of who owns each pixel, then noise; the ground truth (full and
 * visible boxes, visibility) comes from that index buffer. Split from {@link SyntheticScenes}, which keeps the
 * public contract (splits, seeds, the ignore rule); the drawing order and every random draw are unchanged.
 *
 * <p>At ~400 lines it is one cohesive thing: every method draws into the same canvas and owner buffer in a fixed
 * order of random draws, so splitting it would spread one sequence of draws over several classes.
 */
final class ScenePainter {
    /** Owner of a pixel in the index buffer: background, or a pole (persons use their index). */
    private static final int BACKGROUND = -1;

    private static final int POLE = -2;

    /** Part codes in a shape's mask. */
    private static final byte HEAD = 1;

    private static final byte TORSO = 2;
    private static final byte ARMS = 3;
    private static final byte LEGS = 4;
    private static final byte STAND = 5;

    /** Share of people who stand in a group, and the spread of a group (sd of x, in heights). */
    private static final double GROUP_PROBABILITY = 0.5;

    private static final double GROUP_SPREAD = 0.6;
    /**
     * The camera looks down on the scene: the horizon is near the top, so the heads of farther
     * people show above nearer ones (with the horizon at head height a near person would hide
     * everyone behind it completely).
     */
    private static final double HORIZON_LO = 0;

    private static final double HORIZON_HI = 6;
    /** Torso width (fraction of height, plus up to 0.08) and how far the arms reach out. */
    private static final double TORSO_WIDTH = 0.24;

    private static final double ARM_OUT = 0.12;

    private static final double[][] SKIN = {
        {0.96, 0.80, 0.69}, {0.88, 0.67, 0.52}, {0.66, 0.46, 0.33}, {0.44, 0.30, 0.21}
    };

    /** One thing drawn: a person or a pole, as a part mask over its bounding region. */
    private static final class Shape {
        final int owner;
        final int foot;
        final int order;
        final int x0;
        final int y0;
        final int w;
        final int h;
        final byte[] mask;
        final float[][] colours = new float[6][];

        Shape(int owner, int foot, int order, int x0, int y0, int x1, int y1) {
            this.owner = owner;
            this.foot = foot;
            this.order = order;
            this.x0 = Math.max(0, x0);
            this.y0 = Math.max(0, y0);
            this.w = Math.max(0, Math.min(SIZE, x1) - this.x0);
            this.h = Math.max(0, Math.min(SIZE, y1) - this.y0);
            this.mask = new byte[w * h];
        }
    }

    // ---- the painter itself

    private final SyntheticScenes.Params p;
    private final Rng rng;
    private final float[] red = new float[SIZE * SIZE];
    private final float[] green = new float[SIZE * SIZE];
    private final float[] blue = new float[SIZE * SIZE];
    private final int[] owner = new int[SIZE * SIZE];
    private final double[] bgMean = new double[3];
    private double horizon;
    private double slope;

    ScenePainter(SyntheticScenes.Params p, Rng rng) {
        this.p = p;
        this.rng = rng;
    }

    Scene paint(String id) {
        background();
        clutter();
        // The camera: foot position grows with height (nearer people are lower and taller).
        horizon = rng.uniform(HORIZON_LO, HORIZON_HI);
        slope = (SIZE - 2 - horizon) / p.maxHeight();

        List<Shape> shapes = new ArrayList<>();
        int people = rng.intBetween(p.minPeople(), p.maxPeople());
        placePeople(people, shapes);
        int poles = rng.intBetween(1, 3);
        for (int i = 0; i < poles; i++) {
            shapes.add(pole(shapes.size()));
        }
        // Far to near: a larger foot y is nearer and is drawn later, over what is behind it.
        List<Shape> order = new ArrayList<>(shapes);
        order.sort(Comparator.comparingInt((Shape s) -> s.foot).thenComparingInt(s -> s.order));
        Arrays.fill(owner, BACKGROUND);
        for (Shape s : order) {
            draw(s);
        }
        List<Person> persons = new ArrayList<>(people);
        for (int k = 0; k < people; k++) {
            persons.add(annotate(shapes.get(k)));
        }
        noise();
        return new Scene(id, SIZE, SIZE, toImage(), List.copyOf(persons));
    }

    private void background() {
        double[] top = randomColour(0.15, 0.9);
        double[] bottom = randomColour(0.15, 0.9);
        for (int y = 0; y < SIZE; y++) {
            double t = y / (double) (SIZE - 1);
            float r = (float) (top[0] + t * (bottom[0] - top[0]));
            float g = (float) (top[1] + t * (bottom[1] - top[1]));
            float b = (float) (top[2] + t * (bottom[2] - top[2]));
            Arrays.fill(red, y * SIZE, (y + 1) * SIZE, r);
            Arrays.fill(green, y * SIZE, (y + 1) * SIZE, g);
            Arrays.fill(blue, y * SIZE, (y + 1) * SIZE, b);
        }
        for (int c = 0; c < 3; c++) {
            bgMean[c] = (top[c] + bottom[c]) / 2;
        }
    }

    /** Faint rectangles: a random colour blended in at low opacity. */
    private void clutter() {
        int n = rng.intBetween(3, 8);
        for (int i = 0; i < n; i++) {
            int w = rng.intBetween(3, 24);
            int h = rng.intBetween(3, 24);
            int x0 = rng.intBetween(-w / 2, SIZE - w / 2);
            int y0 = rng.intBetween(-h / 2, SIZE - h / 2);
            double[] c = randomColour(0.0, 1.0);
            float a = (float) rng.uniform(0.12, 0.3);
            for (int y = Math.max(0, y0); y < Math.min(SIZE, y0 + h); y++) {
                for (int x = Math.max(0, x0); x < Math.min(SIZE, x0 + w); x++) {
                    int i2 = y * SIZE + x;
                    red[i2] += a * ((float) c[0] - red[i2]);
                    green[i2] += a * ((float) c[1] - green[i2]);
                    blue[i2] += a * ((float) c[2] - blue[i2]);
                }
            }
        }
    }

    /** People stand partly in groups (similar x and depth), the rest anywhere. */
    private void placePeople(int people, List<Shape> shapes) {
        int groups = rng.intBetween(1, 3);
        double[] groupX = new double[groups];
        double[] groupHeight = new double[groups];
        for (int g = 0; g < groups; g++) {
            groupX[g] = rng.uniform(8, SIZE - 8);
            groupHeight[g] = rng.uniform(p.minHeight(), p.maxHeight());
        }
        double heightSpread = 0.12 * (p.maxHeight() - p.minHeight());
        for (int k = 0; k < people; k++) {
            int h;
            double cx;
            if (rng.chance(GROUP_PROBABILITY)) {
                int g = rng.intBetween(0, groups - 1);
                h = clampInt(
                        (int) Math.round(groupHeight[g] + heightSpread * rng.gaussian()), p.minHeight(), p.maxHeight());
                cx = groupX[g] + (GROUP_SPREAD * h + 2) * rng.gaussian();
            } else {
                h = rng.intBetween(p.minHeight(), p.maxHeight());
                cx = rng.uniform(0, SIZE);
            }
            // Keep the whole body inside the image (arms and legs reach < 0.45 h from cx).
            double margin = 0.5 * h + 1;
            cx = Math.max(margin, Math.min(SIZE - margin, cx));
            int foot = footFor(h);
            shapes.add(person(k, cx, foot - h, foot, shapes.size()));
        }
    }

    private int footFor(double h) {
        int foot = (int) Math.round(horizon + slope * h + 1.5 * rng.gaussian());
        return clampInt(foot, (int) Math.ceil(h), SIZE);
    }

    private Shape person(int index, double cx, int top, int foot, int order) {
        int h = foot - top;
        double r = Math.max(0.8, h * rng.uniform(0.085, 0.11));
        double lean = 0.04 * h * rng.gaussian();
        double headX = cx + lean;
        double headY = top + r;
        double torsoW = Math.max(2.0, h * rng.uniform(TORSO_WIDTH, TORSO_WIDTH + 0.08));
        double torsoX = cx + 0.6 * lean;
        double shoulderY = headY + 0.7 * r;
        double hipY = top + h * rng.uniform(0.52, 0.6);
        double legW = Math.max(1.0, h * rng.uniform(0.10, 0.14));
        double hipLeft = torsoX - 0.25 * torsoW;
        double hipRight = torsoX + 0.25 * torsoW;
        double footLeft = cx - 0.25 * torsoW - h * rng.uniform(-0.04, 0.16);
        double footRight = cx + 0.25 * torsoW + h * rng.uniform(-0.04, 0.16);
        boolean arms = rng.chance(0.75);
        double armW = Math.max(0.9, 0.08 * h);
        double armLen = h * rng.uniform(0.3, 0.38);
        double armOutL = h * rng.uniform(0.0, ARM_OUT);
        double armOutR = h * rng.uniform(0.0, ARM_OUT);
        double shoulderL = torsoX - torsoW / 2 + armW / 2;
        double shoulderR = torsoX + torsoW / 2 - armW / 2;

        Shape s = new Shape(
                index, foot, order, (int) Math.floor(cx - 0.5 * h) - 1, top, (int) Math.ceil(cx + 0.5 * h) + 2, foot);
        for (int j = 0; j < s.h; j++) {
            double py = s.y0 + j + 0.5;
            for (int i = 0; i < s.w; i++) {
                double px = s.x0 + i + 0.5;
                byte part = 0;
                double dx = px - headX;
                double dy = py - headY;
                if (dx * dx + dy * dy <= r * r) {
                    part = HEAD;
                } else if (py >= shoulderY && py < hipY && Math.abs(px - torsoX) <= torsoW / 2) {
                    part = TORSO;
                } else if (arms
                        && (onSegment(px, py, shoulderL, shoulderY, shoulderL - armOutL, shoulderY + armLen, armW / 2)
                                || onSegment(
                                        px,
                                        py,
                                        shoulderR,
                                        shoulderY,
                                        shoulderR + armOutR,
                                        shoulderY + armLen,
                                        armW / 2))) {
                    part = ARMS;
                } else if (py >= hipY) {
                    double t = (py - hipY) / (foot - hipY);
                    double left = hipLeft + t * (footLeft - hipLeft);
                    double right = hipRight + t * (footRight - hipRight);
                    if (Math.abs(px - left) <= legW / 2 || Math.abs(px - right) <= legW / 2) {
                        part = LEGS;
                    }
                }
                s.mask[j * s.w + i] = part;
            }
        }
        double[] skin = SKIN[rng.intBetween(0, SKIN.length - 1)];
        double[] head = new double[3];
        for (int c = 0; c < 3; c++) {
            head[c] = clamp(skin[c] + 0.05 * rng.gaussian());
        }
        double[] torso = randomColour(0.05, 0.95);
        s.colours[HEAD] = contrasted(head);
        s.colours[TORSO] = contrasted(torso);
        s.colours[ARMS] = rng.chance(0.7) ? s.colours[TORSO] : s.colours[HEAD];
        s.colours[LEGS] = contrasted(randomColour(0.05, 0.7));
        return s;
    }

    /** A lamp post or bare pole: thin, upright, often with a round head. */
    private Shape pole(int order) {
        double depthHeight = rng.uniform(p.minHeight(), p.maxHeight());
        int foot = footFor(depthHeight);
        int height = clampInt((int) Math.round(depthHeight * rng.uniform(1.1, 1.6)), 4, foot);
        int top = foot - height;
        int width = depthHeight < 20 ? 1 : depthHeight < 32 ? 2 : 3;
        double x = rng.uniform(2, SIZE - 2 - width);
        boolean lamp = rng.chance(0.6);
        double r = Math.max(1.0, height * rng.uniform(0.07, 0.1));
        double lampX = x + width / 2.0;
        double lampY = top + r;
        Shape s = new Shape(
                POLE, foot, order, (int) Math.floor(lampX - r) - 1, top, (int) Math.ceil(lampX + r) + 2, foot);
        double standTop = lamp ? lampY + 0.5 * r : top;
        for (int j = 0; j < s.h; j++) {
            double py = s.y0 + j + 0.5;
            for (int i = 0; i < s.w; i++) {
                double px = s.x0 + i + 0.5;
                double dx = px - lampX;
                double dy = py - lampY;
                byte part = 0;
                if (lamp && dx * dx + dy * dy <= r * r) {
                    part = HEAD;
                } else if (py >= standTop && px >= x && px < x + width) {
                    part = STAND;
                }
                s.mask[j * s.w + i] = part;
            }
        }
        double grey = rng.uniform(0.1, 0.5);
        double[] stand = {
            clamp(grey + 0.05 * rng.gaussian()),
            clamp(grey + 0.05 * rng.gaussian()),
            clamp(grey + 0.05 * rng.gaussian())
        };
        double[] bulb = rng.chance(0.5)
                ? new double[] {rng.uniform(0.8, 1.0), rng.uniform(0.75, 0.95), rng.uniform(0.4, 0.8)}
                : randomColour(0.1, 0.9);
        s.colours[STAND] = contrasted(stand);
        s.colours[HEAD] = contrasted(bulb);
        return s;
    }

    private void draw(Shape s) {
        for (int j = 0; j < s.h; j++) {
            for (int i = 0; i < s.w; i++) {
                byte part = s.mask[j * s.w + i];
                if (part != 0) {
                    int k = (s.y0 + j) * SIZE + s.x0 + i;
                    float[] c = s.colours[part];
                    red[k] = c[0];
                    green[k] = c[1];
                    blue[k] = c[2];
                    owner[k] = s.owner;
                }
            }
        }
    }

    /** Full box from the shape's own pixels, visible box and visibility from the index buffer. */
    private Person annotate(Shape s) {
        int alone = 0;
        int visible = 0;
        int fx1 = SIZE, fy1 = SIZE, fx2 = -1, fy2 = -1;
        int vx1 = SIZE, vy1 = SIZE, vx2 = -1, vy2 = -1;
        for (int j = 0; j < s.h; j++) {
            for (int i = 0; i < s.w; i++) {
                if (s.mask[j * s.w + i] == 0) {
                    continue;
                }
                int x = s.x0 + i;
                int y = s.y0 + j;
                alone++;
                fx1 = Math.min(fx1, x);
                fy1 = Math.min(fy1, y);
                fx2 = Math.max(fx2, x);
                fy2 = Math.max(fy2, y);
                if (owner[y * SIZE + x] == s.owner) {
                    visible++;
                    vx1 = Math.min(vx1, x);
                    vy1 = Math.min(vy1, y);
                    vx2 = Math.max(vx2, x);
                    vy2 = Math.max(vy2, y);
                }
            }
        }
        PixelBox full = new PixelBox(fx1, fy1, fx2 + 1, fy2 + 1);
        PixelBox vbox = visible > 0 ? new PixelBox(vx1, vy1, vx2 + 1, vy2 + 1) : new PixelBox(fx1, fy1, fx1, fy1);
        double visibility = alone == 0 ? 0.0 : visible / (double) alone;
        return new Person(full, vbox, visibility, SyntheticScenes.isIgnored(visibility, full));
    }

    private void noise() {
        float sigma = (float) NOISE_SIGMA;
        for (int k = 0; k < SIZE * SIZE; k++) {
            red[k] += sigma * (float) rng.gaussian();
            green[k] += sigma * (float) rng.gaussian();
            blue[k] += sigma * (float) rng.gaussian();
        }
    }

    private BufferedImage toImage() {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int k = 0; k < SIZE * SIZE; k++) {
            data[k] = (toByte(red[k]) << 16) | (toByte(green[k]) << 8) | toByte(blue[k]);
        }
        return image;
    }

    private float[] contrasted(double[] colour) {
        float[] out = new float[3];
        for (int c = 0; c < 3; c++) {
            out[c] = (float) (bgMean[c] + p.contrast() * (colour[c] - bgMean[c]));
        }
        return out;
    }

    private double[] randomColour(double lo, double hi) {
        return new double[] {rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(lo, hi)};
    }

    /** Whether (px, py) lies within {@code halfWidth} of the segment (ax, ay)–(bx, by). */
    private static boolean onSegment(
            double px, double py, double ax, double ay, double bx, double by, double halfWidth) {
        double vx = bx - ax;
        double vy = by - ay;
        double t = ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy);
        t = Math.max(0, Math.min(1, t));
        double dx = px - (ax + t * vx);
        double dy = py - (ay + t * vy);
        return dx * dx + dy * dy <= halfWidth * halfWidth;
    }

    private static int toByte(float v) {
        int q = Math.round(v * 255f);
        return q < 0 ? 0 : Math.min(q, 255);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static int clampInt(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
