package org.bitsieve.springai;

import org.bitsieve.store.filter.MetaFilter;
import org.springframework.ai.vectorstore.filter.Filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Spring AI's filter tree ({@link Filter.Expression}, as built by {@code FilterExpressionBuilder} or parsed by
 * {@code FilterExpressionTextParser}) to the store's {@link MetaFilter}, node for node. What the store's filters
 * cannot express (is null / is not null, dates, nested lists) is refused with an error that says so,
 * rather than approximated.
 */
public final class FilterConverter {
    private FilterConverter() {}

    /** The store filter for a Spring AI expression; null for null (no filter). */
    public static MetaFilter convert(Filter.Expression e) {
        if (e == null) {
            return null;
        }
        if (e.type() == null) {
            throw new IllegalArgumentException("filter expression without a type: " + e);
        }
        return switch (e.type()) {
            case AND -> new MetaFilter.And(operand(e.left(), "and"), operand(e.right(), "and"));
            case OR -> new MetaFilter.Or(operand(e.left(), "or"), operand(e.right(), "or"));
            case NOT -> new MetaFilter.Not(operand(e.left(), "not"));
            case EQ -> MetaFilter.eq(key(e), scalar(e));
            case NE -> MetaFilter.ne(key(e), scalar(e));
            case GT -> MetaFilter.gt(key(e), scalar(e));
            case GTE -> MetaFilter.gte(key(e), scalar(e));
            case LT -> MetaFilter.lt(key(e), scalar(e));
            case LTE -> MetaFilter.lte(key(e), scalar(e));
            case IN -> MetaFilter.in(key(e), list(e));
            case NIN -> MetaFilter.notIn(key(e), list(e));
            // the store's filters have no null test: a missing field only fails positive tests, passes negative ones
            case ISNULL, ISNOTNULL -> throw new UnsupportedOperationException("filter " + e.type()
                    + " on '" + key(e) + "' is not supported by the bitsieve store (supported: ==, !=, >, >=, <, <=, in, nin, and, or, not)");
        };
    }

    private static MetaFilter operand(Filter.Operand o, String where) {
        if (o instanceof Filter.Expression x) {
            return convert(x);
        }
        if (o instanceof Filter.Group g) {
            return convert(g.content());
        }
        throw new IllegalArgumentException("'" + where + "' needs filter expressions on both sides, got "
                + (o == null ? "nothing" : o.getClass().getSimpleName() + " " + o));
    }

    private static String key(Filter.Expression e) {
        if (!(e.left() instanceof Filter.Key k) || k.key() == null || k.key().isBlank()) {
            throw new IllegalArgumentException("filter " + e.type() + " needs a metadata key on its left, got " + e.left());
        }
        return unquote(k.key());
    }

    /** The text parser keeps the quotes of a quoted key ({@code "foo bar" == 'x'}); metadata keys have none. */
    static String unquote(String key) {
        if (key.length() >= 2) {
            char a = key.charAt(0);
            char b = key.charAt(key.length() - 1);
            if ((a == '"' || a == '\'') && a == b) {
                return key.substring(1, key.length() - 1);
            }
        }
        return key;
    }

    private static Object scalar(Filter.Expression e) {
        Object v = rawValue(e);
        if (v instanceof List<?>) {
            throw new IllegalArgumentException("filter " + e.type() + " on '" + key(e) + "' takes one value, got a list " + v
                    + " (use in / nin for lists)");
        }
        return value(key(e), v);
    }

    private static List<Object> list(Filter.Expression e) {
        Object v = rawValue(e);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("filter " + e.type() + " on '" + key(e) + "' takes a list of values, got " + v);
        }
        if (l.isEmpty()) {
            throw new IllegalArgumentException("filter " + e.type() + " on '" + key(e) + "' needs at least one value");
        }
        List<Object> out = new ArrayList<>(l.size());
        for (Object o : l) {
            out.add(value(key(e), o));
        }
        return out;
    }

    private static Object rawValue(Filter.Expression e) {
        if (!(e.right() instanceof Filter.Value v)) {
            throw new IllegalArgumentException("filter " + e.type() + " on '" + key(e) + "' needs a value on its right, got " + e.right());
        }
        return v.value();
    }

    /** A value the store's filters compare: strings, UUIDs, booleans and numbers (short and byte widened to int). */
    private static Object value(String key, Object v) {
        if (v instanceof String || v instanceof UUID || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        throw new IllegalArgumentException("filter on '" + key + "': unsupported value "
                + (v == null ? "null" : v.getClass().getSimpleName() + " " + v)
                + " (use a string, UUID, boolean, int, long, float or double)");
    }
}
