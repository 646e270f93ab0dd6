package org.bitsieve.store.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The text form of a {@link MetaFilter}, for people (the CLI's {@code --filter}, the browser library) and Spring
 * AI users: Spring AI's filter expression syntax plus {@code contains}.
 * <pre>
 * genre == 'drama' &amp;&amp; year &gt;= 2020
 * !(year in [2019, 2020]) || rating &gt; 4.5
 * name contains 'abc' AND NOT (kind nin ['a', "b"]) AND draft == false
 * </pre>
 * Operators: {@code == != > >= < <=}, {@code in [..]}, {@code nin [..]} (also {@code not in}), {@code contains},
 * {@code &&} / {@code AND}, {@code ||} / {@code OR}, {@code !} / {@code NOT}, parentheses; keywords in any case.
 * AND binds tighter than OR, NOT tightest. A field is a name ({@code [A-Za-z_][A-Za-z0-9_.]*}) or a quoted string.
 * Values: strings in single or double quotes (backslash escapes {@code \' \" \\ \n \t \r \\uXXXX}), integers (read
 * as long, like the JSON form; a Spring AI {@code L} suffix is allowed), decimals (exact), {@code true} /
 * {@code false}. UUIDs are quoted strings, which compare with UUID fields stored as strings. An optional leading
 * {@code WHERE} is ignored. Errors name the position (1-based character) and what was expected there.
 */
public final class MetaFilterText {
    /** Deeper nesting is refused rather than risking the stack (no real filter comes close). */
    static final int MAX_DEPTH = 64;

    private final String src;
    private int pos;
    private int depth;

    private MetaFilterText(String src) {
        this.src = src;
    }

    /** Parses a filter expression; a malformed one is an {@link IllegalArgumentException} naming the position. */
    public static MetaFilter parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("filter: empty expression (write e.g. genre == 'drama' && year >= 2020)");
        }
        MetaFilterText p = new MetaFilterText(text);
        p.skipSpace();
        if (p.keywordAhead("where")) {
            p.pos += 5;
        }
        MetaFilter f = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("&&, || or the end");
        }
        return f;
    }

    private MetaFilter or() {
        MetaFilter acc = and();
        while (true) {
            skipSpace();
            if (src.startsWith("||", pos)) {
                pos += 2;
            } else if (keywordAhead("or")) {
                pos += 2;
            } else {
                return acc;
            }
            acc = new MetaFilter.Or(acc, and());
        }
    }

    private MetaFilter and() {
        MetaFilter acc = unary();
        while (true) {
            skipSpace();
            if (src.startsWith("&&", pos)) {
                pos += 2;
            } else if (keywordAhead("and")) {
                pos += 3;
            } else {
                return acc;
            }
            acc = new MetaFilter.And(acc, unary());
        }
    }

    private MetaFilter unary() {
        if (++depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " nested parentheses or negations, not deeper nesting");
        }
        try {
            skipSpace();
            if (src.startsWith("!", pos) && !src.startsWith("!=", pos)) {
                pos++;
                return new MetaFilter.Not(unary());
            }
            if (keywordAhead("not")) {
                pos += 3;
                return new MetaFilter.Not(unary());
            }
            if (src.startsWith("(", pos)) {
                pos++;
                MetaFilter f = or();
                skipSpace();
                expect(")", "')' closing the '('");
                return f;
            }
            return condition();
        } finally {
            depth--;
        }
    }

    private MetaFilter condition() {
        int at = pos;
        String field = field();
        skipSpace();
        try {
            for (String[] op : OPS) {
                if (src.startsWith(op[0], pos)) {
                    pos += op[0].length();
                    return new MetaFilter.Compare(field, MetaFilter.Op.valueOf(op[1]), value());
                }
            }
            if (keywordAhead("in")) {
                pos += 2;
                return new MetaFilter.In(field, list(), false);
            }
            if (keywordAhead("nin")) {
                pos += 3;
                return new MetaFilter.In(field, list(), true);
            }
            if (keywordAhead("not")) {
                pos += 3;
                skipSpace();
                if (!keywordAhead("in")) {
                    throw error("'in' after 'not' (field not in [..])");
                }
                pos += 2;
                return new MetaFilter.In(field, list(), true);
            }
            if (keywordAhead("contains")) {
                pos += 8;
                int vat = pos;
                Object v = value();
                if (!(v instanceof String s)) {
                    pos = vat;
                    skipSpace();
                    throw error("a quoted string after contains");
                }
                return new MetaFilter.Contains(field, s);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("filter: ")) {
                throw e;
            }
            throw new IllegalArgumentException("filter: at position " + (at + 1) + ": " + e.getMessage());
        }
        throw error("an operator after the field '" + field + "' (==, !=, >, >=, <, <=, in, nin, not in, contains)");
    }

    private static final String[][] OPS = {
            {"==", "EQ"}, {"!=", "NE"}, {">=", "GTE"}, {"<=", "LTE"}, {">", "GT"}, {"<", "LT"}};

    private String field() {
        skipSpace();
        if (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')) {
            String s = quoted();
            if (s.isBlank()) {
                throw new IllegalArgumentException("filter: at position " + (pos + 1) + ": a field name must not be blank");
            }
            return s;
        }
        int start = pos;
        if (pos < src.length() && isNameStart(src.charAt(pos))) {
            pos++;
            while (pos < src.length() && (isNameStart(src.charAt(pos)) || Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
                pos++;
            }
        }
        if (pos == start) {
            throw error("a field name, '(' or NOT");
        }
        return src.substring(start, pos);
    }

    private List<Object> list() {
        skipSpace();
        expect("[", "'[' starting the list of values");
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (src.startsWith("]", pos)) {
            throw error("at least one value in the list");
        }
        while (true) {
            out.add(value());
            skipSpace();
            if (src.startsWith("]", pos)) {
                pos++;
                return out;
            }
            expect(",", "',' or ']' in the list");
        }
    }

    private Object value() {
        skipSpace();
        if (pos >= src.length()) {
            throw error("a value (a quoted string, a number, true or false)");
        }
        char c = src.charAt(pos);
        if (c == '\'' || c == '"') {
            return quoted();
        }
        if (keywordAhead("true")) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (keywordAhead("false")) {
            pos += 5;
            return Boolean.FALSE;
        }
        int start = pos;
        if (c == '-' || c == '+') {
            pos++;
        }
        int digits = pos;
        while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
            pos++;
        }
        boolean integral = true;
        if (pos == digits) {
            pos = start;
            throw error("a value (a quoted string, a number, true or false)");
        }
        if (pos < src.length() && src.charAt(pos) == '.') {
            integral = false;
            int frac = ++pos;
            while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == frac) {
                throw error("a digit after the decimal point");
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
                pos++;
            }
            int exp = pos;
            while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == exp) {
                throw error("the digits of the exponent");
            }
        }
        String num = src.substring(start, pos);
        if (integral && pos < src.length() && (src.charAt(pos) == 'L' || src.charAt(pos) == 'l')) {
            pos++; // Spring AI's long suffix
        }
        if (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            throw error("a separator after the number " + num);
        }
        BigDecimal d;
        try {
            d = new BigDecimal(num);
        } catch (NumberFormatException | ArithmeticException e) {
            pos = start;
            throw error("a number that fits (" + num + ")");
        }
        if (integral) {
            try {
                return d.longValueExact(); // integers are longs, as in the JSON form, so both forms give equal filters
            } catch (ArithmeticException e) {
                return d;
            }
        }
        return d;
    }

    private String quoted() {
        char q = src.charAt(pos);
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == q) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) {
                break;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case '\'', '"', '\\' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    if (pos + 4 > src.length()) {
                        pos -= 2;
                        throw error("four hex digits after \\u");
                    }
                    try {
                        sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        pos -= 2;
                        throw error("four hex digits after \\u");
                    }
                    pos += 4;
                }
                default -> {
                    pos -= 2;
                    throw error("an escape \\' \\\" \\\\ \\n \\t \\r or \\uXXXX");
                }
            }
        }
        pos = start;
        throw error("a closing " + q + " for the string starting here");
    }

    private boolean keywordAhead(String kw) {
        if (!src.regionMatches(true, pos, kw, 0, kw.length())) {
            return false;
        }
        int end = pos + kw.length();
        return end >= src.length() || !(isNameStart(src.charAt(end)) || Character.isDigit(src.charAt(end)) || src.charAt(end) == '.');
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private void expect(String s, String what) {
        if (!src.startsWith(s, pos)) {
            throw error(what);
        }
        pos += s.length();
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found;
        if (pos >= src.length()) {
            found = "the end";
        } else {
            int end = Math.min(src.length(), pos + 12);
            found = "'" + src.substring(pos, end) + (end < src.length() ? "...'" : "'");
        }
        return new IllegalArgumentException("filter: at position " + (pos + 1) + ": expected " + expected + ", found " + found);
    }

    /** The text form of a filter; {@link #parse} reads it back to an equal filter. */
    public static String toText(MetaFilter f) {
        StringBuilder sb = new StringBuilder();
        write(f, sb);
        return sb.toString();
    }

    private static void write(MetaFilter f, StringBuilder sb) {
        if (f instanceof MetaFilter.Compare c) {
            sb.append(name(c.field())).append(' ').append(switch (c.op()) {
                case EQ -> "==";
                case NE -> "!=";
                case GT -> ">";
                case GTE -> ">=";
                case LT -> "<";
                case LTE -> "<=";
            }).append(' ').append(literal(c.value()));
        } else if (f instanceof MetaFilter.In in) {
            sb.append(name(in.field())).append(in.negated() ? " nin [" : " in [");
            for (int i = 0; i < in.values().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(literal(in.values().get(i)));
            }
            sb.append(']');
        } else if (f instanceof MetaFilter.Contains c) {
            sb.append(name(c.field())).append(" contains ").append(literal(c.text()));
        } else if (f instanceof MetaFilter.And a) {
            sb.append('(');
            write(a.left(), sb);
            sb.append(" && ");
            write(a.right(), sb);
            sb.append(')');
        } else if (f instanceof MetaFilter.Or o) {
            sb.append('(');
            write(o.left(), sb);
            sb.append(" || ");
            write(o.right(), sb);
            sb.append(')');
        } else if (f instanceof MetaFilter.Not n) {
            sb.append("!(");
            write(n.inner(), sb);
            sb.append(')');
        }
    }

    private static String name(String field) {
        boolean plain = !field.isEmpty() && isNameStart(field.charAt(0));
        for (int i = 0; i < field.length() && plain; i++) {
            char c = field.charAt(i);
            plain = isNameStart(c) || (c >= '0' && c <= '9') || c == '.';
        }
        String lower = field.toLowerCase(Locale.ROOT);
        if (plain && !List.of("and", "or", "not", "in", "nin", "contains", "true", "false", "where").contains(lower)) {
            return field;
        }
        return literal(field);
    }

    private static String literal(Object v) {
        if (v instanceof String || v instanceof UUID) {
            StringBuilder sb = new StringBuilder("'");
            for (char c : v.toString().toCharArray()) {
                switch (c) {
                    case '\'' -> sb.append("\\'");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('\'').toString();
        }
        // numbers as Java writes them (BigDecimal keeps its scale, so 2.50 reads back as 2.50)
        return v.toString();
    }
}
