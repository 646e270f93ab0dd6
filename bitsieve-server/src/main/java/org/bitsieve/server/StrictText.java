package org.bitsieve.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.bitsieve.core.text.Unicode;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Well-formed text in requests. JSON's {@code \ud800} escape decodes to a lone UTF-16 surrogate, which Jackson
 * accepts and the store would once write as '?', so two acknowledged ids collapsed into one. Every string field
 * goes through this deserializer; free-form JSON (metadata, filter values) is walked with {@link #check(String, JsonNode)}.
 */
final class StrictText {
    private StrictText() {}

    /** Thrown inside Jackson; {@link Json#parse} turns it into 400 {@code invalid_unicode} with the field's path. */
    static final class LoneSurrogate extends RuntimeException {
        LoneSurrogate(String message) { super(message, null, false, false); }
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("bitsieve-strict-text");
        m.addDeserializer(String.class, new Checked());
        return m;
    }

    private static final class Checked extends StdScalarDeserializer<String> {
        Checked() { super(String.class); }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = StringDeserializer.instance.deserialize(p, ctxt);
            if (s != null) {
                int at = Unicode.firstLoneSurrogate(s);
                if (at >= 0) {
                    throw new LoneSurrogate(message(s, at));
                }
            }
            return s;
        }
    }

    private static String message(String s, int at) {
        return "is not valid Unicode: it holds an unpaired UTF-16 surrogate (U+" + String.format("%04X", (int) s.charAt(at))
                + ") at character " + at + "; send well-formed text (a \\ud83d\\ude00 escape pair is fine, a lone \\ud800 is not)";
    }

    /** Refuses a JSON tree with a lone surrogate in any key or string value, or a number that overflows a double. */
    static void check(String field, JsonNode n) {
        if (n == null) {
            return;
        }
        if (n.isNumber() && !Double.isFinite(n.doubleValue()) && !n.isBigInteger() && !n.isBigDecimal()) {
            // 1e400 parses to an infinite double, which would be stored as the non-JSON token Infinity
            throw new ApiError(ApiError.Code.NON_FINITE_VALUE, "field '" + field + "' is a number beyond the range of a "
                    + "64-bit float; send it as a string");
        }
        if (n.isTextual()) {
            int at = Unicode.firstLoneSurrogate(n.textValue());
            if (at >= 0) {
                throw new ApiError(ApiError.Code.INVALID_UNICODE, "field '" + field + "' " + message(n.textValue(), at));
            }
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int at = Unicode.firstLoneSurrogate(e.getKey());
                if (at >= 0) {
                    throw new ApiError(ApiError.Code.INVALID_UNICODE, "a key in field '" + field + "' " + message(e.getKey(), at));
                }
                check(field + "." + e.getKey(), e.getValue());
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                check(field + "[" + i + "]", n.get(i));
            }
        }
    }
}
