package dev.dipr1.rewards;

import java.util.List;
import java.util.Locale;

/** Test helpers that write completions in canonical form. */
final class Completions {

    private Completions() {}

    static String canonical(String think, String look, String answer) {
        return "<think>" + think + "</think><look>" + look + "</look><answer>" + answer + "</answer>";
    }

    static String canonical(List<Box> look, List<Box> answer) {
        return canonical("reasoning", json(look), json(answer));
    }

    /** A JSON array of 4-number arrays; doubles written exactly. */
    static String json(List<Box> boxes) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            s.append(i == 0 ? "" : ", ")
                    .append(String.format(
                            Locale.ROOT, "[%s, %s, %s, %s]", num(b.x1()), num(b.y1()), num(b.x2()), num(b.y2())));
        }
        return s.append(']').toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static Box box(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2, y2);
    }
}
