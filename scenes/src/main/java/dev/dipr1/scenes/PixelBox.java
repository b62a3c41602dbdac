package dev.dipr1.scenes;

/** An axis-aligned box in pixels: {@code [x1, y1, x2, y2]}, x right, y down. */
public record PixelBox(double x1, double y1, double x2, double y2) {

    public double width() {
        return Math.max(0, x2 - x1);
    }

    public double height() {
        return Math.max(0, y2 - y1);
    }

    public double area() {
        return width() * height();
    }

    /** CrowdHuman stores boxes as {@code [x, y, w, h]}. */
    public static PixelBox fromXywh(double x, double y, double w, double h) {
        return new PixelBox(x, y, x + w, y + h);
    }

    public double[] toXywh() {
        return new double[] {x1, y1, x2 - x1, y2 - y1};
    }
}
