package org.bitsieve.store.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.io.fuzz.FuzzLoop;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.bitsieve.store.filter.MetaFilter.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaFilterTextTest {
    private static MetaFilter p(String s) { return MetaFilterText.parse(s); }

    @Test
    void parsesSpringAiSyntaxPlusContains() {
        assertEquals(new And(eq("genre", "drama"), gte("year", 2020L)), p("genre == 'drama' && year >= 2020"));
        assertEquals(new And(eq("genre", "drama"), gte("year", 2020L)), p("WHERE genre == \"drama\" AND year >= 2020"));
        assertEquals(new Not(in("x", List.of(1L, 2L))), p("!(x in [1,2])"));
        assertEquals(new Not(in("x", List.of(1L, 2L))), p("NOT (x IN [1, 2])"));
        assertEquals(notIn("x", List.of("a", "b")), p("x nin ['a', 'b']"));
        assertEquals(notIn("x", List.of("a", "b")), p("x not in ['a', 'b']"));
        assertEquals(contains("name", "abc"), p("name contains 'abc'"));
        assertEquals(new Or(lt("a", new BigDecimal("-1.5")), new And(ne("b", true), lte("c", 3L))),
                p("a < -1.5 || b != true and c <= 3"), "AND binds tighter than OR");
        assertEquals(new And(new Or(gt("a", 1L), gt("b", 2L)), eq("c", false)), p("(a > 1 OR b > 2) && c == FALSE"));
        assertEquals(eq("n", 12L), p("n == 12L"), "Spring AI's long suffix");
        assertEquals(eq("n", new BigDecimal("1E+3")), p("n == 1e3"));
        assertEquals(eq("odd key", "it's"), p("'odd key' == 'it\\'s'"), "quoted field names and escapes");
        assertEquals(eq("country.name", "x\n\u00e9"), p("country.name == 'x\\n\\u00e9'"));
        assertEquals(eq("u", "11111111-2222-3333-4444-555555555555"), p("u == '11111111-2222-3333-4444-555555555555'"));
        assertEquals(new Not(new Not(eq("a", 1L))), p("!!a == 1"));
        assertEquals(eq("big", new BigDecimal("123456789012345678901234567890")), p("big == 123456789012345678901234567890"));
    }

    @Test
    void evaluatesLikeTheApiForm() throws Exception {
        JsonNode m = new ObjectMapper().readTree("{\"genre\":\"drama\",\"year\":2021,\"rating\":4.5,\"draft\":false,\"u\":\"11111111-2222-3333-4444-555555555555\"}");
        assertTrue(p("genre == 'drama' && year >= 2020").test(m));
        assertFalse(p("genre == 'drama' && year > 2021").test(m));
        assertTrue(p("rating == 4.50 && draft == false").test(m));
        assertTrue(p("u == '11111111-2222-3333-4444-555555555555'").test(m));
        assertTrue(p("missing != 3 && missing nin [1]").test(m), "missing fields pass the negative tests");
        assertFalse(p("missing == 3 || missing in [1] || missing contains 'a'").test(m));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p("genre == 3").test(m));
        assertTrue(e.getMessage().contains("type mismatch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p("draft == 'no'").test(m));
        assertTrue(e.getMessage().contains("type mismatch"), e.getMessage());
    }

    @Test
    void errorsNameThePositionAndWhatWasExpected() {
        assertError("", "empty expression");
        assertError("genre == ", "position 10: expected a value");
        assertError("genre = 'x'", "position 7: expected an operator after the field 'genre'");
        assertError("genre == 'x' year > 1", "position 14: expected &&, || or the end");
        assertError("(a == 1", "position 8: expected ')' closing the '('");
        assertError("a == 'open", "position 6: expected a closing ' for the string");
        assertError("a in 1", "position 6: expected '[' starting the list");
        assertError("a in []", "position 7: expected at least one value");
        assertError("a in [1 2]", "position 9: expected ',' or ']'");
        assertError("a contains 3", "position 12: expected a quoted string after contains");
        assertError("a == 12abc", "position 8: expected a separator after the number 12");
        assertError("== 1", "position 1: expected a field name");
        assertError("a not 1", "expected 'in' after 'not'");
        assertError("a == 'x\\q'", "position 8: expected an escape");
        assertError("(".repeat(200) + "a == 1" + ")".repeat(200), "nested");
        assertError("'' == 1", "field name must not be blank");
    }

    private static void assertError(String text, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p(text), text);
        assertTrue(e.getMessage().startsWith("filter: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), "'" + text + "' gave: " + e.getMessage());
    }

    @Test
    void roundTripsThroughTextAndJson() {
        FuzzLoop.run("MetaFilterText round trip", 3000, r -> {
            MetaFilter f = random(r, 0);
            String text = MetaFilterText.toText(f);
            assertEquals(f, p(text), text);
            // Jackson's decimal nodes drop trailing zeros (2.50 -> 2.5, 5.0 -> 5): equal as numbers, not as records
            assertEquals(numeric(f), numeric(MetaFilterJson.parse(MetaFilterJson.toJson(f))), text);
            assertEquals(numeric(f), numeric(p(MetaFilterText.toText(MetaFilterJson.parse(MetaFilterJson.toJson(f).toString())))), text);
        });
    }

    /** The filter with every number as a BigDecimal without trailing zeros, for comparing numbers by value. */
    static MetaFilter numeric(MetaFilter f) {
        if (f instanceof Compare c) {
            return new Compare(c.field(), c.op(), num(c.value()));
        } else if (f instanceof In in) {
            return new In(in.field(), in.values().stream().map(MetaFilterTextTest::num).toList(), in.negated());
        } else if (f instanceof And a) {
            return new And(numeric(a.left()), numeric(a.right()));
        } else if (f instanceof Or o) {
            return new Or(numeric(o.left()), numeric(o.right()));
        } else if (f instanceof Not n) {
            return new Not(numeric(n.inner()));
        }
        return f;
    }

    private static Object num(Object v) {
        return v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : v;
    }

    /** Random text: either a mutated valid filter or random tokens; parse must return a filter or a clear error. */
    @Test
    void fuzzNeverFailsOtherwise() {
        String[] tokens = {"a", "b.c", "'q'", "\"x\\\"\"", "==", "!=", ">", ">=", "<", "<=", "in", "nin", "not", "NOT", "!", "&&",
                "||", "AND", "or", "(", ")", "[", "]", ",", "1", "-2.5", "1e", "true", "false", "contains", "where", " ", "\\", "'", "\u00e9", "9L"};
        FuzzLoop.run("MetaFilterText fuzz", 3000, r -> {
            String text;
            if (r.nextBoolean()) {
                StringBuilder sb = new StringBuilder(MetaFilterText.toText(random(r, 0)));
                int edits = 1 + r.nextInt(3);
                for (int i = 0; i < edits && sb.length() > 0; i++) {
                    int at = r.nextInt(sb.length());
                    switch (r.nextInt(3)) {
                        case 0 -> sb.deleteCharAt(at);
                        case 1 -> sb.insert(at, tokens[r.nextInt(tokens.length)]);
                        default -> sb.setCharAt(at, (char) (32 + r.nextInt(96)));
                    }
                }
                text = sb.toString();
            } else {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    sb.append(tokens[r.nextInt(tokens.length)]).append(r.nextBoolean() ? " " : "");
                }
                text = sb.toString();
            }
            try {
                MetaFilter f = p(text);
                assertEquals(f, p(MetaFilterText.toText(f)), text); // whatever parses, prints back to itself
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("filter: "), text + " -> " + e.getMessage());
            }
        });
    }

    private static final String[] FIELDS = {"a", "genre", "x.y", "odd key", "and", "it's", "_1"};

    static MetaFilter random(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(3) : r.nextInt(6);
        String field = FIELDS[r.nextInt(FIELDS.length)];
        return switch (kind) {
            case 0 -> new Compare(field, Op.values()[r.nextInt(6)], value(r));
            case 1 -> {
                List<Object> vs = new ArrayList<>();
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    vs.add(value(r));
                }
                yield new In(field, vs, r.nextBoolean());
            }
            case 2 -> new Contains(field, (String) stringValue(r));
            case 3 -> new And(random(r, depth + 1), random(r, depth + 1));
            case 4 -> new Or(random(r, depth + 1), random(r, depth + 1));
            default -> new Not(random(r, depth + 1));
        };
    }

    private static Object value(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> stringValue(r);
            case 1 -> r.nextLong() >> r.nextInt(64);
            case 2 -> new BigDecimal(r.nextGaussian() * 1000).setScale(r.nextInt(4), java.math.RoundingMode.HALF_UP).add(new BigDecimal("0.1"));
            case 3 -> r.nextBoolean();
            default -> new BigDecimal(r.nextInt(1000) + "E" + (r.nextBoolean() ? 1 + r.nextInt(9) : -1 - r.nextInt(9))); // exponent 0 would be an integer
        };
    }

    private static Object stringValue(Random r) {
        String alphabet = "ab 'x\"\\\n\t\u00e9\u0001-";
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
