package org.bitsieve.store.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A typed predicate over a document's metadata object: comparisons, in / not in, contains-string and
 * and / or / not. Values are strings, UUIDs (compared with string fields), booleans (false &lt; true) or numbers (int, long, float, double,
 * compared exactly as decimals with number fields). Comparing a number with a string field, or a string with a
 * number field, is an error ({@link IllegalArgumentException}), not a silent non-match: a filter that can never
 * match because of a typo in its type should say so.
 *
 * <p>Missing fields follow LangChain4j's rules, so its filters translate one to one: a missing field fails every
 * positive test (equal, greater, less, in, contains) and passes the negative ones (not equal, not in).
 */
public sealed interface MetaFilter {
    /** A document's metadata field by field: the value node of a field, or null when absent (or JSON null). */
    @FunctionalInterface
    interface Fields {
        JsonNode get(String field);
    }

    /**
     * Whether a document passes, its fields read through {@code fields}. The scan reads them from per-field
     * columns parsed once per segment, so a candidate row costs a few array reads, not a JSON parse.
     */
    boolean test(Fields fields);

    /** Whether a metadata object (null for a document without metadata) passes. */
    default boolean test(JsonNode metadata) {
        return test(f -> Json.field(metadata, f));
    }

    /** Whether metadata given as JSON text (as the store keeps it) passes. */
    default boolean testJson(String metadataJson) {
        return test(Json.parse(metadataJson));
    }

    /** The metadata fields this filter reads. */
    default java.util.Set<String> fields() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        collect(this, out);
        return out;
    }

    private static void collect(MetaFilter f, java.util.Set<String> out) {
        if (f instanceof Compare c) {
            out.add(c.field());
        } else if (f instanceof In in) {
            out.add(in.field());
        } else if (f instanceof Contains c) {
            out.add(c.field());
        } else if (f instanceof And a) {
            collect(a.left(), out);
            collect(a.right(), out);
        } else if (f instanceof Or o) {
            collect(o.left(), out);
            collect(o.right(), out);
        } else if (f instanceof Not n) {
            collect(n.inner(), out);
        }
    }

    /** One field of metadata JSON text, as filters see it (decimals exact), or null when absent. */
    static JsonNode fieldOf(String metadataJson, String field) {
        return Json.field(Json.parse(metadataJson), field);
    }

    enum Op { EQ, NE, GT, GTE, LT, LTE }

    record Compare(String field, Op op, Object value) implements MetaFilter {
        public Compare {
            Objects.requireNonNull(op, "op");
            checkField(field);
            checkValue(field, value);
        }

        @Override
        public boolean test(Fields m) {
            JsonNode v = m.get(field);
            if (v == null) {
                return op == Op.NE;
            }
            int c = Json.compare(field, v, value);
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case GT -> c > 0;
                case GTE -> c >= 0;
                case LT -> c < 0;
                case LTE -> c <= 0;
            };
        }
    }

    /** The field equals one of the values ({@code negated}: none of them). */
    record In(String field, List<Object> values, boolean negated) implements MetaFilter {
        public In {
            checkField(field);
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("filter on '" + field + "': in / not in needs at least one value");
            }
            for (Object o : values) {
                checkValue(field, o);
            }
            values = List.copyOf(values);
        }

        @Override
        public boolean test(Fields m) {
            JsonNode v = m.get(field);
            if (v == null) {
                return negated;
            }
            for (Object o : values) {
                if (Json.compare(field, v, o) == 0) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    /** The string field contains the text. */
    record Contains(String field, String text) implements MetaFilter {
        public Contains {
            checkField(field);
            if (text == null) {
                throw new IllegalArgumentException("filter on '" + field + "': contains needs a string");
            }
        }

        @Override
        public boolean test(Fields m) {
            JsonNode v = m.get(field);
            if (v == null) {
                return false;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException("filter on '" + field + "': contains needs a string field, the document holds " + v.getNodeType().name().toLowerCase());
            }
            return v.textValue().contains(text);
        }
    }

    record And(MetaFilter left, MetaFilter right) implements MetaFilter {
        public And {
            Objects.requireNonNull(left, "and: left");
            Objects.requireNonNull(right, "and: right");
        }

        @Override
        public boolean test(Fields m) { return left.test(m) && right.test(m); }
    }

    record Or(MetaFilter left, MetaFilter right) implements MetaFilter {
        public Or {
            Objects.requireNonNull(left, "or: left");
            Objects.requireNonNull(right, "or: right");
        }

        @Override
        public boolean test(Fields m) { return left.test(m) || right.test(m); }
    }

    record Not(MetaFilter inner) implements MetaFilter {
        public Not {
            Objects.requireNonNull(inner, "not: inner");
        }

        @Override
        public boolean test(Fields m) { return !inner.test(m); }
    }

    static MetaFilter eq(String f, Object v) { return new Compare(f, Op.EQ, v); }

    static MetaFilter ne(String f, Object v) { return new Compare(f, Op.NE, v); }

    static MetaFilter gt(String f, Object v) { return new Compare(f, Op.GT, v); }

    static MetaFilter gte(String f, Object v) { return new Compare(f, Op.GTE, v); }

    static MetaFilter lt(String f, Object v) { return new Compare(f, Op.LT, v); }

    static MetaFilter lte(String f, Object v) { return new Compare(f, Op.LTE, v); }

    static MetaFilter in(String f, List<Object> vs) { return new In(f, vs, false); }

    static MetaFilter notIn(String f, List<Object> vs) { return new In(f, vs, true); }

    static MetaFilter contains(String f, String text) { return new Contains(f, text); }

    private static void checkField(String field) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("a filter needs a non-blank field name");
        }
    }

    private static void checkValue(String field, Object v) {
        if (!(v instanceof String || v instanceof UUID || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Float || v instanceof Double || v instanceof BigDecimal)) {
            throw new IllegalArgumentException("filter on '" + field + "': unsupported value "
                    + (v == null ? "null" : v.getClass().getSimpleName() + " " + v)
                    + " (use a string, UUID, boolean, int, long, float or double)");
        }
        if ((v instanceof Float f && !Float.isFinite(f)) || (v instanceof Double d && !Double.isFinite(d))) {
            throw new IllegalArgumentException("filter on '" + field + "': numbers must be finite, got " + v);
        }
    }

    /** JSON reading shared by the filters: decimals kept exact so 0.1f stored compares equal to 0.1f asked. */
    final class Json {
        private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

        private Json() {}

        static JsonNode parse(String json) {
            if (json == null) {
                return null;
            }
            try {
                return MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("metadata is not valid JSON: " + e.getOriginalMessage());
            }
        }

        static JsonNode field(JsonNode m, String field) {
            if (m == null || !m.isObject()) {
                return null;
            }
            JsonNode v = m.get(field);
            return v == null || v.isNull() ? null : v;
        }

        /** Sign of (stored - wanted); a type mismatch throws. */
        static int compare(String field, JsonNode stored, Object wanted) {
            if (wanted instanceof Boolean b) {
                if (!stored.isBoolean()) {
                    throw mismatch(field, stored, "boolean");
                }
                return Boolean.compare(stored.booleanValue(), b);
            }
            if (wanted instanceof Number n) {
                if (!stored.isNumber()) {
                    throw mismatch(field, stored, "number");
                }
                if ((n instanceof Integer || n instanceof Long) && stored.isIntegralNumber() && stored.canConvertToLong()) {
                    return Long.compare(stored.longValue(), n.longValue()); // the common case, without BigDecimals
                }
                return stored.decimalValue().compareTo(decimal(n));
            }
            if (!stored.isTextual()) {
                throw mismatch(field, stored, wanted instanceof UUID ? "UUID" : "string");
            }
            if (wanted instanceof UUID u) {
                UUID s;
                try {
                    s = UUID.fromString(stored.textValue());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("filter on '" + field + "': compares a UUID with the non-UUID string '" + stored.textValue() + "'");
                }
                return s.compareTo(u);
            }
            return stored.textValue().compareTo((String) wanted);
        }

        private static BigDecimal decimal(Number n) {
            // toString, not the binary value: 0.1f must equal the 0.1 its JSON form reads back as
            return n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        }

        private static IllegalArgumentException mismatch(String field, JsonNode stored, String wanted) {
            return new IllegalArgumentException("filter on '" + field + "': type mismatch, the filter has a " + wanted
                    + " and the document holds a " + stored.getNodeType().name().toLowerCase());
        }
    }
}
