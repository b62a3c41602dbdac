package dev.dipr1.rewards;

import static dev.dipr1.rewards.Completions.canonical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §1 and the §3 reading of the answer block. */
class CompletionParserTest {

    static final double W = 640;
    static final double H = 480;

    static ParsedCompletion parse(String text) {
        return CompletionParser.parse(text, W, H);
    }

    /** Parses a completion whose answer block is {@code boxes}, with an empty look block. */
    static ParsedCompletion answer(String boxes) {
        return parse(canonical("t", "", boxes));
    }

    static void assertUnparsableAnswer(String boxes) {
        ParsedCompletion p = answer(boxes);
        assertFalse(p.wellFormed(), boxes);
        assertFalse(p.answerReadable(), boxes);
        assertTrue(p.answerBoxes().isEmpty(), boxes);
        assertTrue(p.formatError().startsWith("unparsable answer block"), p.formatError());
    }

    @Nested
    class Canonical {
        @Test
        void wellFormedCompletion() {
            ParsedCompletion p = parse(canonical("two cats", "[[0,0,100,100]]", "[[1,2,3,4],[10,20,30,40]]"));
            assertTrue(p.wellFormed());
            assertTrue(p.answerReadable());
            assertFalse(p.tooLong());
            assertNull(p.formatError());
            assertEquals(List.of(new Box(1, 2, 3, 4), new Box(10, 20, 30, 40)), p.answerBoxes());
            assertEquals(List.of(new Box(0, 0, 100, 100)), p.lookBoxes());
            assertEquals(0, p.invalidBoxes());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", " \t\r\n", "[]", "[ ]", " [ \n ] ", "\n[]\n"})
        void emptyBoxBlocks(String empty) {
            ParsedCompletion p = parse(canonical("t", empty, empty));
            assertTrue(p.wellFormed(), p.formatError());
            assertTrue(p.answerReadable());
            assertTrue(p.answerBoxes().isEmpty());
            assertTrue(p.lookBoxes().isEmpty());
        }
    }

    @Nested
    class BoxSyntaxes {
        @Test
        void jsonArrayOfArraysWithWhitespaceEverywhere() {
            ParsedCompletion p = answer(" [ [ 1 , 2 ,3, 4 ] ,\n[5,6,7,8]\t] ");
            assertTrue(p.wellFormed());
            assertEquals(List.of(new Box(1, 2, 3, 4), new Box(5, 6, 7, 8)), p.answerBoxes());
        }

        @Test
        void singleBoxIsASequenceOfOne() {
            assertEquals(List.of(new Box(1, 2, 3, 4)), answer("[1, 2, 3, 4]").answerBoxes());
            assertEquals(
                    List.of(new Box(1, 2, 3, 4)), answer(" [ 1 ,2 , 3,4 ] ").answerBoxes());
        }

        @Test
        void sequenceSeparatedByCommas() {
            assertEquals(
                    List.of(new Box(1, 2, 3, 4), new Box(5, 6, 7, 8), new Box(9, 10, 11, 12)),
                    answer("[1,2,3,4],[5,6,7,8] ,  [9,10,11,12]").answerBoxes());
        }

        @Test
        void sequenceSeparatedByWhitespaceAlone() {
            assertEquals(
                    List.of(new Box(1, 2, 3, 4), new Box(5, 6, 7, 8), new Box(9, 10, 11, 12)),
                    answer("[1,2,3,4] [5,6,7,8]\n\t[9,10,11,12]").answerBoxes());
        }

        @Test
        void sequenceMayMixSeparators() {
            assertEquals(
                    3, answer("[1,2,3,4] [5,6,7,8], [9,10,11,12]").answerBoxes().size());
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "[1,2,3,4][5,6,7,8]", // no separator
                    "[1,2,3,4],,[5,6,7,8]", // two commas
                    "[1,2,3,4],", // trailing comma
                    ",[1,2,3,4]", // leading comma
                    "[1,2,3,4];[5,6,7,8]", // other separator
                    "[[1,2,3,4]], [[5,6,7,8]]" // a sequence of arrays of arrays
                })
        void badSequences(String boxes) {
            assertUnparsableAnswer(boxes);
        }

        @Test
        void bbox2dObjectsWithOtherKeys() {
            ParsedCompletion p = answer("[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"},"
                    + " {\"label\": \"dog\", \"score\": 0.9, \"extra\": {\"a\": [1, {\"b\": null}], \"c\": true},"
                    + " \"bbox_2d\": [5,6,7,8]}]");
            assertTrue(p.wellFormed(), p.formatError());
            assertEquals(List.of(new Box(1, 2, 3, 4), new Box(5, 6, 7, 8)), p.answerBoxes());
        }

        @Test
        void bbox2dKeyMayBeWrittenWithEscapes() {
            assertEquals(
                    List.of(new Box(1, 2, 3, 4)),
                    answer("[{\"bbox\\u005f2d\": [1,2,3,4]}]").answerBoxes());
        }

        @Test
        void repeatedBbox2dKeyTheLastWins() {
            assertEquals(
                    List.of(new Box(5, 6, 7, 8)),
                    answer("[{\"bbox_2d\": \"x\", \"bbox_2d\": [5,6,7,8]}]").answerBoxes());
            assertUnparsableAnswer("[{\"bbox_2d\": [1,2,3,4], \"bbox_2d\": \"x\"}]");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "[{\"label\": \"cat\"}]", // no bbox_2d
                    "[{}]", // empty object
                    "[{\"bbox_2d\": [1,2,3]}]", // 3 numbers
                    "[{\"bbox_2d\": [1,2,3,4,5]}]", // 5 numbers
                    "[{\"bbox_2d\": [[1,2,3,4]]}]", // nested
                    "[{\"BBOX_2D\": [1,2,3,4]}]", // keys are case-sensitive
                    "[{\"bbox_2d\": [1,2,3,4]}, [5,6,7,8]]", // mixed forms
                    "[[5,6,7,8], {\"bbox_2d\": [1,2,3,4]}]", // mixed forms
                    "{\"bbox_2d\": [1,2,3,4]}", // not in an array
                    "[{\"bbox_2d\": [1,2,3,4],}]", // trailing comma
                    "[{\"bbox_2d\": [1,2,3,4], \"x\": tru}]", // other value not JSON
                    "[{\"bbox_2d\": [1,2,3,4], \"x\": \"a\u0001\"}]", // raw control character in a string
                    "[{\"bbox_2d\": [1,2,3,4], \"x\": \"\\q\"}]", // bad escape
                    "[{\"bbox_2d\": [1,2,3,4], \"x\": 1e400}]", // overflow anywhere in the block
                    "[{bbox_2d: [1,2,3,4]}]" // unquoted key
                })
        void badObjects(String boxes) {
            assertUnparsableAnswer(boxes);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "[[1,2,3]]", "[[1,2,3,4,5]]", "[[1,2,3,4],]", "[[1,2,3,4]", "[[1,2,3,4]]]", "[1,2,3,4",
                    "[[1 2 3 4]]", "[[1,2,3,4]] [[5,6,7,8]]", "[[1,2,3,4]] x", "boxes: [1,2,3,4]", "[[]]",
                            "[[],[1,2,3,4]]"
                })
        void badArrays(String boxes) {
            assertUnparsableAnswer(boxes);
        }

        @Test
        void at512BoxesTheBlockIsParsableAndAbove512ItIsNot() {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < 513; i++) {
                s.append(i == 0 ? "" : ",").append("[1,1,2,2]");
                if (i == 511) {
                    assertEquals(512, answer(s + "]").answerBoxes().size());
                }
            }
            assertUnparsableAnswer(s + "]");
            assertUnparsableAnswer(s.substring(1)); // as a sequence
        }

        @Test
        void aLookBlockWithMoreThan512BoxesIsUnparsableToo() {
            String many = "[" + "[1,1,2,2],".repeat(512) + "[1,1,2,2]]";
            ParsedCompletion p = parse(canonical("t", many, "[[1,1,2,2]]"));
            assertFalse(p.wellFormed());
            assertTrue(p.answerReadable());
            assertTrue(p.formatError().startsWith("unparsable look block"), p.formatError());
        }
    }

    @Nested
    class Numbers {
        /** The raw (unclipped) value the BOXES parser reads for a number. */
        static double value(String number) {
            String block = "[" + number + ", 0, 0, 0]";
            BoxesParser parser = new BoxesParser(block, 0, block.length());
            assertTrue(parser.parse(), number + ": " + parser.error());
            return parser.coord(0, 0);
        }

        @Test
        void jsonNumberForms() {
            assertEquals(-0.0, value("-0"));
            assertEquals(1000.0, value("1e3"));
            assertEquals(100.0, value("1E+2"));
            assertEquals(0.01, value("1e-2"));
            assertEquals(1.5, value("1.5"));
            assertEquals(-12.25, value("-12.250"));
            assertEquals(0.0, value("0"));
            assertEquals(0.0, value("0.0e5"));
            assertEquals(0.0, value("1e-400")); // underflow is 0, not an error
            assertEquals(0.0, value("0e99999999999"));
        }

        @Test
        void negativeNumbersAreClippedToZero() {
            assertEquals(
                    new Box(0, 0, 3, 4),
                    answer("[[-5.5, -1e3, 3, 4]]").answerBoxes().get(0));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "0.1",
                    "123456789.123456789",
                    "9007199254740993",
                    "123456789012345678901234",
                    "1.7976931348623157e308",
                    "4.9e-324",
                    "2.2250738585072014E-308",
                    "0.000000000000000000000000001",
                    "3.14159265358979323846264338327950288",
                    "1e22",
                    "1e23",
                    "8.5e-23",
                    "999999999999999999"
                })
        void valuesAreCorrectlyRounded(String number) {
            assertEquals(Double.parseDouble(number), value(number), 0.0, number);
            assertEquals(-Double.parseDouble(number), value("-" + number), 0.0, number);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    ".5",
                    "+1",
                    "01",
                    "-01",
                    "00",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "1.",
                    "1.e3",
                    "1e",
                    "1e+",
                    "-",
                    "--1",
                    "0x10",
                    "1e400",
                    "-1e400",
                    "1.8e308",
                    "true",
                    "false",
                    "null",
                    "\"1\"",
                    "１",
                    "1_000",
                    "1,5",
                    "- 1"
                })
        void notJsonNumbers(String number) {
            assertUnparsableAnswer("[[" + number + ",0,10,10]]");
            assertUnparsableAnswer("[" + number + ",0,10,10]");
        }
    }

    @Nested
    class Structure {
        @Test
        void whitespaceAroundAndBetweenBlocksIsAllowed() {
            String text = " \r\n\t<think>t</think>\n\n<look></look> \t<answer>[]</answer>\r\n ";
            assertTrue(parse(text).wellFormed());
        }

        @ParameterizedTest
        @ValueSource(strings = {"x", "\u00a0", "\u000b", "\f", "\u2003", ".", "<br>"})
        void onlySpaceTabCrLfCountAsWhitespaceOutsideTheBlocks(String outside) {
            String[] variants = {
                outside + canonical("t", "", ""),
                "<think>t</think>" + outside + "<look></look><answer></answer>",
                "<think>t</think><look></look>" + outside + "<answer></answer>",
                canonical("t", "", "") + outside
            };
            for (String text : variants) {
                ParsedCompletion p = parse(text);
                assertFalse(p.wellFormed(), text);
                assertEquals("text outside the blocks", p.formatError());
            }
        }

        @Test
        void eachMissingTagIsNamed() {
            String full = canonical("t", "", "");
            for (String tag : new String[] {"<think>", "</think>", "<look>", "</look>", "<answer>", "</answer>"}) {
                ParsedCompletion p = parse(full.replace(tag, ""));
                assertFalse(p.wellFormed(), tag);
                assertEquals("missing " + tag, p.formatError());
            }
        }

        @Test
        void duplicateTags() {
            assertEquals(
                    "duplicate <think>",
                    parse("<think>a</think><think>b</think><look></look><answer></answer>")
                            .formatError());
            assertEquals(
                    "duplicate </answer>",
                    parse(canonical("t", "", "") + "</answer>").formatError());
        }

        @Test
        void aTagInsideTheThinkBlockIsADuplicate() {
            ParsedCompletion p = parse(canonical("I will write <answer> later", "", "[[1,1,2,2]]"));
            assertFalse(p.wellFormed());
            assertEquals("duplicate <answer>", p.formatError());
        }

        @Test
        void nestedBlocksAreRejected() {
            ParsedCompletion p = parse("<think>t<look></look></think><answer></answer>");
            assertFalse(p.wellFormed());
            assertEquals("tags out of order: <look> before </think>", p.formatError());
        }

        @Test
        void tagsOutOfOrder() {
            assertFalse(parse("<look></look><think>t</think><answer></answer>").wellFormed());
            assertFalse(
                    parse("<think>t</think><answer>[]</answer><look></look>").wellFormed());
            assertTrue(parse("</think><think>t<look></look><answer></answer>")
                    .formatError()
                    .startsWith("tags out of order"));
        }

        @Test
        void tagsAreCaseSensitive() {
            assertEquals(
                    "missing <think>",
                    parse("<Think>t</think><look></look><answer></answer>").formatError());
            assertEquals(
                    "missing <look>",
                    parse("<think>t</think><LOOK></LOOK><answer></answer>").formatError());
        }

        @Test
        void upperCaseTagInsideThinkIsJustText() {
            assertTrue(parse(canonical("<Answer> is coming", "", "")).wellFormed());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n\t \r"})
        void emptyThinkIsRejected(String think) {
            ParsedCompletion p = parse(canonical(think, "", ""));
            assertFalse(p.wellFormed());
            assertEquals("empty think", p.formatError());
            assertTrue(p.answerReadable()); // the answer is still read for r_acc
        }

        @Test
        void thinkWithOneVisibleCharacterIsEnough() {
            assertTrue(parse(canonical(" . ", "", "")).wellFormed());
            assertTrue(parse(canonical("\u00a0", "", "")).wellFormed()); // NBSP is not spec whitespace
        }

        @Test
        void unparsableLookBlockBreaksTheFormatOnly() {
            ParsedCompletion p = parse(canonical("t", "[[1,2,3]]", "[[1,2,3,4]]"));
            assertFalse(p.wellFormed());
            assertTrue(p.formatError().startsWith("unparsable look block"));
            assertTrue(p.answerReadable());
            assertEquals(List.of(new Box(1, 2, 3, 4)), p.answerBoxes());
            assertTrue(p.lookBoxes().isEmpty());
        }
    }

    @Nested
    class ClippingAndInvalidBoxes {
        @Test
        void boxesAreClippedToTheImage() {
            ParsedCompletion p = parse(canonical("t", "[[-10,-10,50,50]]", "[[600,400,700,500]]"));
            assertTrue(p.wellFormed());
            assertEquals(List.of(new Box(0, 0, 50, 50)), p.lookBoxes());
            assertEquals(List.of(new Box(600, 400, 640, 480)), p.answerBoxes());
        }

        @Test
        void invalidAnswerBoxesAreDroppedCountedAndBreakTheFormat() {
            ParsedCompletion p = answer("[[1,2,3,4],[5,5,5,9],[9,9,1,1],[700,10,800,20],[10,10,20,20]]");
            assertFalse(p.wellFormed());
            assertEquals("invalid box in answer block", p.formatError());
            assertTrue(p.answerReadable());
            assertEquals(List.of(new Box(1, 2, 3, 4), new Box(10, 10, 20, 20)), p.answerBoxes());
            assertEquals(3, p.invalidBoxes());
        }

        @Test
        void invalidLookBoxesAreCountedAndBreakTheFormat() {
            ParsedCompletion p = parse(canonical("t", "[[0,0,0,0],[1,1,2,2]]", "[[1,2,3,4]]"));
            assertFalse(p.wellFormed());
            assertEquals("invalid box in look block", p.formatError());
            assertEquals(1, p.invalidBoxes());
            assertTrue(p.lookBoxes().isEmpty());
            assertEquals(1, p.answerBoxes().size());
        }
    }

    @Nested
    class AnswerReading {
        @Test
        void answerIsReadWhenTheFormatIsZero() {
            ParsedCompletion p = parse("garbage <answer>[[1,2,3,4]]</answer> more garbage");
            assertFalse(p.wellFormed());
            assertTrue(p.answerReadable());
            assertEquals(List.of(new Box(1, 2, 3, 4)), p.answerBoxes());
        }

        @Test
        void firstAnswerTagAndFirstClosingTagAfterIt() {
            ParsedCompletion p = parse("</answer><answer>[1,2,3,4]</answer><answer>[5,6,7,8]</answer>");
            assertTrue(p.answerReadable());
            assertEquals(List.of(new Box(1, 2, 3, 4)), p.answerBoxes());
        }

        @Test
        void missingAnswerTagsMakeTheAnswerUnreadable() {
            assertFalse(
                    parse("<think>t</think><look></look><answer>[[1,2,3,4]]").answerReadable());
            assertFalse(
                    parse("<think>t</think><look></look>[[1,2,3,4]]</answer>").answerReadable());
            assertFalse(parse("[[1,2,3,4]]</answer><answer>").answerReadable());
        }

        @Test
        void unparsableAnswerIsUnreadable() {
            assertFalse(parse("<answer>two cats</answer>").answerReadable());
        }
    }

    @Nested
    class Length {
        @Test
        void atTheLimitTheCompletionIsParsed() {
            String base = canonical("", "", "[[1,2,3,4]]");
            String text = canonical("x".repeat(CompletionParser.MAX_CODE_POINTS - base.length()), "", "[[1,2,3,4]]");
            assertEquals(CompletionParser.MAX_CODE_POINTS, text.length());
            ParsedCompletion p = parse(text);
            assertFalse(p.tooLong());
            assertTrue(p.wellFormed());
        }

        @Test
        void oneCodePointMoreIsTooLong() {
            String base = canonical("", "", "[[1,2,3,4]]");
            String text =
                    canonical("x".repeat(CompletionParser.MAX_CODE_POINTS - base.length() + 1), "", "[[1,2,3,4]]");
            ParsedCompletion p = parse(text);
            assertTrue(p.tooLong());
            assertFalse(p.wellFormed());
            assertFalse(p.answerReadable());
            assertTrue(p.answerBoxes().isEmpty());
            assertTrue(p.formatError().startsWith("too long"));
        }

        @Test
        void codePointsAreCountedNotChars() {
            String emoji = "\uD83D\uDE00"; // one code point, two chars
            String base = canonical("", "", "[[1,2,3,4]]");
            int room = CompletionParser.MAX_CODE_POINTS - base.length();
            String atLimit = canonical(emoji.repeat(room), "", "[[1,2,3,4]]");
            assertTrue(atLimit.length() > CompletionParser.MAX_CODE_POINTS);
            assertFalse(parse(atLimit).tooLong());
            assertTrue(parse(atLimit).wellFormed());
            assertTrue(
                    parse(canonical(emoji.repeat(room + 1), "", "[[1,2,3,4]]")).tooLong());
        }

        @Test
        void loneSurrogatesCountAsOneCodePointEach() {
            String base = canonical("", "", "");
            String text = canonical("\uD800".repeat(CompletionParser.MAX_CODE_POINTS - base.length() + 1), "", "");
            assertTrue(parse(text).tooLong());
        }
    }
}
