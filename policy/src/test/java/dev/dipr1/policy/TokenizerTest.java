package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import dev.dipr1.rewards.ParsedCompletion;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    private final Tokenizer tokenizer = new Tokenizer(64);

    @Test
    void vocabularyHasSpecialsTagsWordsCountsAndCoordinates() {
        assertEquals(19 + 17 + 65, tokenizer.vocabSize());
        assertEquals("coord:0", tokenizer.vocabulary().get(tokenizer.firstCoordinate()));
        assertEquals("coord:64", tokenizer.vocabulary().get(tokenizer.vocabSize() - 1));
        assertEquals(Tokenizer.QUESTION, tokenizer.decode(tokenizer.promptIds()));
    }

    @Test
    void decodesTheCanonicalForm() {
        int[] ids = tokenizer.encodeTarget(
                5,
                Tokenizer.Side.LEFT,
                List.of(new int[] {12, 30, 20, 54}),
                List.of(new int[] {12, 30, 20, 54}, new int[] {40, 22, 50, 60}));
        assertEquals(Tokenizer.EOS, ids[ids.length - 1]);
        assertEquals(
                "<think>5 people, dense left</think><look>[12,30,20,54]</look>"
                        + "<answer>[[12,30,20,54],[40,22,50,60]]</answer>",
                tokenizer.decode(ids));
        assertEquals(
                "<think>1 person</think><look></look><answer></answer>",
                tokenizer.decode(tokenizer.encodeTarget(1, null, List.of(), List.of())));
    }

    @Test
    void garbledSequencesDecodeToGarbledText() {
        int c = tokenizer.firstCoordinate();
        int[] ids = {
            Tokenizer.THINK_OPEN,
            c + 3,
            c + 4,
            Tokenizer.W_PEOPLE,
            Tokenizer.ANSWER_OPEN,
            c + 1,
            c + 2,
            c + 3,
            c + 4,
            c + 5,
            c + 6,
            Tokenizer.EOS,
            c + 9
        };
        assertEquals("<think>[3,4] people<answer>[[1,2,3,4],[5,6]]", tokenizer.decode(ids));
        ParsedCompletion p = CompletionParser.parse(tokenizer.decode(ids), 64, 64);
        assertFalse(p.wellFormed());
    }

    @Test
    void targetsOfRealScenesParseWellFormedWithTheSameBoxes() {
        for (Scene scene : SyntheticScenes.generate(Split.TRAIN, 3L, 0, 40)) {
            TargetTemplate t = TargetTemplate.of(scene);
            String text = t.text(tokenizer);
            ParsedCompletion p = CompletionParser.parse(text, scene.width(), scene.height());
            assertTrue(p.wellFormed(), () -> text + " → " + p.formatError());
            assertNull(p.formatError());
            assertEquals(sorted(scene.boxes()), sorted(toPixel(p.answerBoxes())), text);
            assertTrue(p.lookBoxes().size() <= 2);
            assertEquals(
                    scene.boxes().isEmpty() ? 0 : Math.max(1, p.lookBoxes().size()),
                    p.lookBoxes().size());
            assertTrue(text.startsWith("<think>" + Math.min(16, scene.boxes().size()) + " "), text);
            int[] ids = t.tokens(tokenizer);
            assertArrayEquals(ids, t.tokens(tokenizer));
        }
    }

    @Test
    void answerIsSortedByX1ThenY1AndMirroringFlipsBoxes() {
        Scene scene = SyntheticScenes.generate(Split.TRAIN, 5L, 7);
        TargetTemplate t = TargetTemplate.of(scene);
        for (int i = 1; i < t.answer().size(); i++) {
            int[] a = t.answer().get(i - 1);
            int[] b = t.answer().get(i);
            assertTrue(a[0] < b[0] || (a[0] == b[0] && a[1] <= b[1]));
        }
        TargetTemplate m = TargetTemplate.of(scene.persons(), 64, 64, true);
        assertEquals(t.count(), m.count());
        List<List<Integer>> mirrored = new ArrayList<>();
        for (int[] b : t.answer()) {
            mirrored.add(List.of(64 - b[2], b[1], 64 - b[0], b[3]));
        }
        mirrored.sort(Comparator.comparing((List<Integer> b) -> b.get(0))
                .thenComparing(b -> b.get(1))
                .thenComparing(b -> b.get(2))
                .thenComparing(b -> b.get(3)));
        List<List<Integer>> got = new ArrayList<>();
        for (int[] b : m.answer()) {
            got.add(List.of(b[0], b[1], b[2], b[3]));
        }
        assertEquals(mirrored, got);
    }

    private static List<String> sorted(List<PixelBox> boxes) {
        return boxes.stream()
                .map(b -> (int) b.x1() + "," + (int) b.y1() + "," + (int) b.x2() + "," + (int) b.y2())
                .sorted()
                .toList();
    }

    private static List<PixelBox> toPixel(List<Box> boxes) {
        return boxes.stream()
                .map(b -> new PixelBox(b.x1(), b.y1(), b.x2(), b.y2()))
                .toList();
    }
}
