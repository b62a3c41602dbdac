package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Thousands of random and adversarial completions: scoring never throws and stays in range. */
class FuzzTest {

    static final String[] PIECES = {
        "<think>",
        "</think>",
        "<look>",
        "</look>",
        "<answer>",
        "</answer>",
        "<Think>",
        "<answer",
        "</",
        "<",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        " ",
        "\n",
        "\t",
        "\r",
        "\"",
        "\\",
        "\\u",
        "\\u00",
        "bbox_2d",
        "\"bbox_2d\"",
        "0",
        "1",
        "-",
        "+",
        ".",
        "e",
        "E",
        "1e400",
        "-0",
        "NaN",
        "Infinity",
        "true",
        "null",
        "123456789012345678901",
        "1e-400",
        "640",
        "480",
        "9".repeat(400),
        "0.5",
        "[1,2,3,4]",
        "[[10,10,50,50]]",
        "{\"bbox_2d\":[1,2,3,4]}",
        "\uD83D\uDE00",
        "\uD800",
        "\uDC00",
        "\u00a0",
        "\u2028",
        "\u0000",
        "é",
        "猫",
        "\uFEFF"
    };

    static String tagSoup(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int k = rnd.nextInt(60); k > 0; k--) {
            s.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    static String randomChars(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int k = rnd.nextInt(200); k > 0; k--) {
            s.append((char) rnd.nextInt(rnd.nextBoolean() ? 128 : 0x10000));
        }
        return s.toString();
    }

    static String mutate(Random rnd, String base) {
        StringBuilder s = new StringBuilder(base);
        for (int k = 1 + rnd.nextInt(5); k > 0 && s.length() > 0; k--) {
            int at = rnd.nextInt(s.length());
            switch (rnd.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, PIECES[rnd.nextInt(PIECES.length)]);
                default -> s.setCharAt(at, (char) rnd.nextInt(0x10000));
            }
        }
        return s.toString();
    }

    static String adversarial(Random rnd) {
        int depth = 1 + rnd.nextInt(20_000);
        return switch (rnd.nextInt(8)) {
            case 0 ->
                Completions.canonical(
                        "t", "", "[{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"bbox_2d\":[1,2,3,4]}]");
            case 1 -> Completions.canonical("t", "", "[{\"a\":" + "[".repeat(depth) + "}]");
            case 2 ->
                Completions.canonical(
                        "t",
                        "",
                        "[{\"a\":" + "{\"b\":".repeat(depth / 5) + "1" + "}".repeat(depth / 5)
                                + ",\"bbox_2d\":[1,2,3,4]}]");
            case 3 -> Completions.canonical("t", "", "[[" + "9".repeat(depth % 5000) + ",1,2,3]]");
            case 4 -> Completions.canonical("t", "", "[[1e" + "9".repeat(depth % 400) + ",1,2,3]]");
            case 5 -> "<answer>" + "[1,1,2,2] ".repeat(rnd.nextInt(1000)) + "</answer>";
            case 6 -> "\uD83D\uDE00".repeat(rnd.nextInt(20_000));
            default -> Completions.canonical("t", "[".repeat(depth % 16000), "]".repeat(depth % 16000));
        };
    }

    @Test
    void scoringNeverThrows() {
        Random rnd = new Random(99);
        List<Box> gt = List.of(new Box(10, 10, 50, 50), new Box(100, 100, 200, 150));
        String good = Completions.canonical("t", "[[10,10,50,50]]", "[[10,10,50,50],{\"x\":1}]");
        for (int t = 0; t < 1500; t++) {
            List<String> completions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                completions.add(
                        switch (rnd.nextInt(4)) {
                            case 0 -> tagSoup(rnd);
                            case 1 -> randomChars(rnd);
                            case 2 -> mutate(rnd, good);
                            default ->
                                rnd.nextInt(10) == 0
                                        ? adversarial(rnd)
                                        : Completions.canonical(tagSoup(rnd), tagSoup(rnd), tagSoup(rnd));
                        });
            }
            GroupInput in = new GroupInput("f" + t, 640, 480, gt, List.of(new Box(0, 0, 5, 5)), completions);
            GroupScore s = assertDoesNotThrow(
                    () -> GroupScorer.score(in, RewardConfig.defaults()), () -> "trial " + completions);
            for (CompletionScore c : s.completions()) {
                assertTrue(c.total() >= 0 && c.total() <= 3 && Double.isFinite(c.advantage()), c.toString());
            }
        }
    }
}
