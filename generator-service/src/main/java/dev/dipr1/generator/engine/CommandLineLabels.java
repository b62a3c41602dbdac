package dev.dipr1.generator.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How the engine's enums are spelled on the command line: their names in lower case. */
final class CommandLineLabels {

    private CommandLineLabels() {}

    /** {@code e}'s command-line spelling, e.g. {@code openai}. */
    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code values} spelled {@code label}; else an error naming {@code option} and its choices. */
    static <E extends Enum<E>> E parse(E[] values, String option, String label) {
        for (E e : values) {
            if (of(e).equals(label)) {
                return e;
            }
        }
        List<String> labels = Arrays.stream(values).map(CommandLineLabels::of).toList();
        String choices =
                String.join(", ", labels.subList(0, labels.size() - 1)) + " or " + labels.get(labels.size() - 1);
        throw new IllegalArgumentException(option + " must be " + choices + ", was " + label);
    }
}
