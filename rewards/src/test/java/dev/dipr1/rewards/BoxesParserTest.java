package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The BOXES parser on its own: the block bounds it is given, and its error messages. */
class BoxesParserTest {

    static String error(String block) {
        BoxesParser p = new BoxesParser(block, 0, block.length());
        assertFalse(p.parse(), block);
        return p.error();
    }

    @Test
    void readsOnlyTheGivenRangeOfTheText() {
        String text = "<answer>[1,2,3,4], [5,6,7,8]</answer>[9,9,9,9]";
        BoxesParser p = new BoxesParser(text, 8, text.indexOf("</answer>"));
        assertTrue(p.parse(), p.error());
        assertNull(p.error());
        assertEquals(2, p.count());
        assertEquals(5.0, p.coord(1, 0));
        assertEquals(8.0, p.coord(1, 3));
    }

    @Test
    void theLastBbox2dWinsEvenAfterAnotherKey() {
        String block = "[{\"bbox_2d\": [9,9,9,9], \"x\": [1,2,3,4], \"bbox_2d\": [1, 2, 3, 4.5]}]";
        BoxesParser p = new BoxesParser(block, 0, block.length());
        assertTrue(p.parse(), p.error());
        assertEquals(4.5, p.coord(0, 3));
    }

    /** The box grammar's own messages (the same as before the object form was read through Jackson). */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "x                                   | expected '['",
                "`[  `                               | unclosed '['",
                "[[1,2,3,4]] x                       | unexpected text after the boxes",
                "[[1,2,3,4]]]                        | unexpected text after the boxes",
                "[1,2,3,4],                          | expected a box after ','",
                "[1,2,3,4], x                        | expected a box after ','",
                "[1,2,3,4][5,6,7,8]                  | boxes must be separated by one comma or by whitespace",
                "[1,2,3,4];[5,6,7,8]                 | boxes must be separated by one comma or by whitespace",
                "[[1,2,3,4], {\"bbox_2d\": [1,2,3,4]}] | expected a 4-number array",
                "[{\"bbox_2d\": [1,2,3,4]}, [1,2,3,4]] | expected an object with \"bbox_2d\"",
                "[{}]                                | object without \"bbox_2d\"",
                "[{\"label\": 1}]                  | object without \"bbox_2d\"",
                "[{\"bbox_2d\": [1,2,3]}]          | \"bbox_2d\" is not a 4-number array",
                "[{\"bbox_2d\": \"x\"}]          | \"bbox_2d\" is not a 4-number array",
                "[{\"bbox_2d\": [1,2,3,4], \"bbox_2d\": null}] | \"bbox_2d\" is not a 4-number array",
                "[[1,2,3]]                           | a box needs 4 numbers separated by ','",
                "[[1,2,3,4,5]]                       | a box holds exactly 4 numbers",
                "[[]]                                | not a number at ']'",
                "[[1,true,3,4]]                      | not a number at 't'",
                "[[1,2,null,4]]                      | not a number at 'n'",
                "[1,\"2\",3,4]                     | not a number at '\"'",
                "[[1,[2],3,4]]                       | not a number at '['",
                "[[1e400,2,3,4]]                     | number overflows a double",
                "[{\"bbox_2d\": [1,2,3,4], \"s\": [-1e400]}] | number overflows a double",
                "[[1,2,3,4]                          | unclosed '['",
                "[1,2,3,4                            | unclosed box",
                "[{\"bbox_2d\": [1,2,3,4]          | unclosed '{'",
                "[{\"a\": [1, {\"b\": 2}         | unclosed container",
            })
    void boxGrammarMessages(String block, String message) {
        assertEquals(message, error(block));
    }

    @Test
    void moreThan512BoxesIsNamed() {
        assertEquals("more than 512 boxes", error("[1,1,2,2] ".repeat(513)));
    }

    /** In the object form, which Jackson reads, malformed JSON is reported in Jackson's words. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "[{\"bbox_2d\": [01,2,3,4]}]                   | Leading zeroes",
                "[{\"bbox_2d\": [NaN,2,3,4]}]                  | NaN",
                "[{\"bbox_2d\": [1 2 3 4]}]                    | comma",
                "[{\"bbox_2d\": [1,2,3,4], \"x\": \"\\q\"}] | escape",
            })
    void jsonTokenMessagesOfTheObjectFormComeFromJackson(String block, String mentions) {
        String e = error(block);
        assertTrue(e.startsWith("invalid JSON: ") && e.contains(mentions), e);
        assertFalse(e.contains("\n"), e);
    }

    @Test
    void theObjectFormAlsoReadsOnlyTheGivenRange() {
        String text = "<answer> [{\"bbox_2d\": [1,2,3,4]}, {\"bbox_2d\": [5,6,7,8]}] </answer>]";
        BoxesParser p = new BoxesParser(text, 8, text.indexOf("</answer>"));
        assertTrue(p.parse(), p.error());
        assertEquals(2, p.count());
        assertEquals(8.0, p.coord(1, 3));
        String trailing = "<answer>[{\"bbox_2d\": [1,2,3,4]}] x</answer>";
        BoxesParser q = new BoxesParser(trailing, 8, trailing.indexOf("</answer>"));
        assertFalse(q.parse());
        assertEquals("unexpected text after the boxes", q.error());
    }

    @Test
    void theObjectFormCountsTowardsTheLimit() {
        String block = "[" + "{\"bbox_2d\": [1,1,2,2]},".repeat(512) + "{\"bbox_2d\": [1,1,2,2]}]";
        assertEquals("more than 512 boxes", error(block));
    }
}
