package dev.dipr1.rewards;

/**
 * An axis-aligned box {@code [x1, y1, x2, y2]} in pixels (x right, y down). Coordinates must be
 * finite; a box may be invalid ({@code x1 >= x2} or {@code y1 >= y2}), in which case its area is 0.
 */
public record Box(double x1, double y1, double x2, double y2) {

    public Box {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException(
                    "box coordinates must be finite numbers, got [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]");
        }
    }

    /** Width times height, 0 for an invalid box. */
    public double area() {
        return Math.max(0.0, x2 - x1) * Math.max(0.0, y2 - y1);
    }

    /** {@code area(a ∩ b) / area(a ∪ b)}, 0 when the union is 0 (spec §6). */
    public static double iou(Box a, Box b) {
        double inter = intersectionArea(a, b);
        double union = a.area() + b.area() - inter;
        return union > 0.0 ? inter / union : 0.0;
    }

    /** {@code area(a ∩ b)}, 0 when they do not overlap. */
    public static double intersectionArea(Box a, Box b) {
        double w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        if (w <= 0.0) {
            return 0.0;
        }
        double h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        return h <= 0.0 ? 0.0 : w * h;
    }

    /** This box clipped to {@code [0, w] × [0, h]} (spec §1). */
    public Box clip(double w, double h) {
        return new Box(clamp(x1, w), clamp(y1, h), clamp(x2, w), clamp(y2, h));
    }

    /** {@code x1 < x2} and {@code y1 < y2}. */
    public boolean isValid() {
        return x1 < x2 && y1 < y2;
    }

    /** The same box translated by (dx, dy) then scaled by s about the origin (used by tests and tools). */
    public Box translateScale(double dx, double dy, double s) {
        return new Box((x1 + dx) * s, (y1 + dy) * s, (x2 + dx) * s, (y2 + dy) * s);
    }

    private static double clamp(double v, double hi) {
        return Math.min(Math.max(v, 0.0), hi); // Math.max(-0.0, 0.0) is +0.0
    }
}
