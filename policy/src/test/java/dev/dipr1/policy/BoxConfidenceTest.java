package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import dev.dipr1.rewards.ParsedCompletion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxConfidenceTest {

    private final Tokenizer tok = new Tokenizer(64);

    private SampledCompletion completion(int[] ids, float[] logps) {
        return new SampledCompletion(ids, logps, tok.decode(ids), FinishReason.EOS);
    }

    private double[] confidences(SampledCompletion c) {
        ParsedCompletion parsed = CompletionParser.parse(c.text(), 64, 64);
        return BoxConfidence.of(c, tok, 64, 64, parsed.answerBoxes());
    }

    @Test
    void eachAnswerBoxGetsTheGeometricMeanProbabilityOfItsFourCoordinateTokens() {
        List<int[]> boxes = List.of(new int[] {1, 2, 10, 20}, new int[] {30, 5, 40, 25});
        // the look block repeats the first box: its tokens must not be the ones scored
        int[] ids = tok.encodeTarget(2, Tokenizer.Side.LEFT, List.of(boxes.get(0)), boxes);
        float[] logps = new float[ids.length];
        for (int k = 0; k < ids.length; k++) {
            logps[k] = -0.05f * k;
        }
        double[] c = confidences(completion(ids, logps));

        int answer = indexOf(ids, Tokenizer.ANSWER_OPEN) + 1;
        assertEquals(2, c.length);
        for (int b = 0; b < 2; b++) {
            double mean = 0;
            for (int j = 0; j < 4; j++) {
                mean += logps[answer + 4 * b + j] / 4.0;
            }
            assertEquals(Math.exp(mean), c[b], 1e-12, "box " + b);
        }
        assertTrue(c[0] > c[1], "later tokens have lower log-probs here");
    }

    @Test
    void anInvalidBoxIsDroppedAndTheNextKeepsItsOwnTokens() {
        List<int[]> boxes = List.of(new int[] {1, 2, 10, 20}, new int[] {9, 9, 9, 30}, new int[] {30, 5, 40, 25});
        int[] ids = tok.encodeTarget(3, null, List.of(), boxes);
        float[] logps = new float[ids.length];
        int answer = indexOf(ids, Tokenizer.ANSWER_OPEN) + 1;
        for (int j = 0; j < 4; j++) {
            logps[answer + j] = -0.1f;
            logps[answer + 4 + j] = -3f;
            logps[answer + 8 + j] = -0.7f;
        }
        SampledCompletion c = completion(ids, logps);
        assertEquals(2, CompletionParser.parse(c.text(), 64, 64).answerBoxes().size());
        assertArrayEquals(new double[] {Math.exp(-0.1f), Math.exp(-0.7f)}, confidences(c), 1e-7);
    }

    @Test
    void padAndBosInsideTheBlockAreSkippedAsTheDecoderSkipsThem() {
        int[] ids = {
            Tokenizer.ANSWER_OPEN,
            tok.coordinateToken(1),
            tok.coordinateToken(2),
            Tokenizer.PAD,
            tok.coordinateToken(10),
            Tokenizer.BOS,
            tok.coordinateToken(20),
            Tokenizer.ANSWER_CLOSE,
            Tokenizer.EOS
        };
        float[] logps = {-5, -1, -1, -5, -1, -5, -1, -5, -5};
        SampledCompletion c = completion(ids, logps);
        assertEquals(
                List.of(new Box(1, 2, 10, 20)),
                CompletionParser.parse(c.text(), 64, 64).answerBoxes());
        assertArrayEquals(new double[] {Math.exp(-1)}, confidences(c), 1e-12);
    }

    @Test
    void boxesOtherThanTheParsersAreRejected() {
        int[] ids = tok.encodeTarget(1, null, List.of(), List.of(new int[] {1, 2, 10, 20}));
        SampledCompletion c = completion(ids, new float[ids.length]);
        assertThrows(
                IllegalStateException.class, () -> BoxConfidence.of(c, tok, 64, 64, List.of(new Box(1, 2, 10, 21))));
        assertThrows(IllegalStateException.class, () -> BoxConfidence.of(c, tok, 64, 64, List.of()));
    }

    /** Random token soup around answer tags: reading the tokens must give the parser's boxes, every time. */
    @Test
    void theTokenReadingAgreesWithTheParserOnRandomSequences() {
        Random rnd = new Random(11);
        int[] specials = {
            Tokenizer.PAD,
            Tokenizer.BOS,
            Tokenizer.EOS,
            Tokenizer.THINK_OPEN,
            Tokenizer.THINK_CLOSE,
            Tokenizer.LOOK_OPEN,
            Tokenizer.LOOK_CLOSE,
            Tokenizer.ANSWER_OPEN,
            Tokenizer.ANSWER_CLOSE,
            Tokenizer.W_COMMA,
            Tokenizer.W_PERIOD,
            Tokenizer.W_PEOPLE,
            tok.countToken(3)
        };
        int withBoxes = 0;
        int unparsable = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            // random soup, then usually an answer block of groups of (mostly) four coordinates, then soup;
            // then a few tokens replaced by random ones
            List<Integer> seq = new ArrayList<>();
            soup(seq, rnd.nextInt(6), specials, rnd);
            if (rnd.nextDouble() < 0.8) {
                seq.add(Tokenizer.ANSWER_OPEN);
                int groups = rnd.nextInt(5);
                for (int g = 0; g < groups; g++) {
                    int len = rnd.nextDouble() < 0.9 ? 4 : rnd.nextInt(7);
                    for (int j = 0; j < len; j++) {
                        seq.add(coordinate(rnd));
                    }
                }
                if (rnd.nextDouble() < 0.9) {
                    seq.add(Tokenizer.ANSWER_CLOSE);
                }
            }
            soup(seq, rnd.nextInt(6), specials, rnd);
            int n = seq.size();
            int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < n; k++) {
                if (rnd.nextDouble() < 0.03) {
                    ids[k] = specials[rnd.nextInt(specials.length)];
                }
            }
            float[] logps = new float[n];
            for (int k = 0; k < n; k++) {
                logps[k] = (float) -rnd.nextDouble();
            }
            SampledCompletion c = completion(ids, logps);
            ParsedCompletion parsed = CompletionParser.parse(c.text(), 64, 64);
            double[] conf = BoxConfidence.of(c, tok, 64, 64, parsed.answerBoxes()); // throws on disagreement
            assertEquals(parsed.answerBoxes().size(), conf.length);
            withBoxes += conf.length > 0 ? 1 : 0;
            unparsable += c.text().contains("<answer>") && !parsed.answerReadable() ? 1 : 0;
        }
        assertTrue(withBoxes > 1000, "sequences with answer boxes: " + withBoxes);
        assertTrue(unparsable > 1000, "sequences with an unparsable answer block: " + unparsable);
    }

    private void soup(List<Integer> seq, int n, int[] specials, Random rnd) {
        for (int k = 0; k < n; k++) {
            double u = rnd.nextDouble();
            seq.add(
                    u < 0.5
                            ? coordinate(rnd)
                            : u < 0.6
                                    ? (rnd.nextBoolean() ? Tokenizer.ANSWER_OPEN : Tokenizer.ANSWER_CLOSE)
                                    : specials[rnd.nextInt(specials.length)]);
        }
    }

    /** Few distinct values half the time, so equal coordinates (invalid boxes) are common. */
    private int coordinate(Random rnd) {
        return tok.coordinateToken(rnd.nextBoolean() ? rnd.nextInt(6) : rnd.nextInt(65));
    }

    @Test
    void clippingFollowsTheImageSize() {
        int[] ids = tok.encodeTarget(1, null, List.of(), List.of(new int[] {10, 10, 60, 60}));
        SampledCompletion c = completion(ids, new float[ids.length]);
        List<Box> boxes = new ArrayList<>();
        List<Double> conf = new ArrayList<>();
        BoxConfidence.read(c.tokenIds(), c.logProbs(), tok, 32, 32, boxes, conf);
        assertEquals(List.of(new Box(10, 10, 32, 32)), boxes);
        assertEquals(CompletionParser.parse(c.text(), 32, 32).answerBoxes(), boxes);
    }

    private static int indexOf(int[] ids, int id) {
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] == id) {
                return k;
            }
        }
        throw new AssertionError("no token " + id);
    }
}
