package dev.dipr1.demo;

/** Range checks of settings records, with messages that say which value to change and to what. */
final class Checks {

    private Checks() {}

    static void inRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    static void minutes(String what, double value) {
        if (!Double.isFinite(value) || value <= 0 || value > 600) {
            throw new IllegalArgumentException(what + " must be a number of minutes in (0, 600], was " + value);
        }
    }
}
