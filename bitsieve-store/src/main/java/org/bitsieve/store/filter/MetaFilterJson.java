package org.bitsieve.store.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The JSON form of a {@link MetaFilter}, for wire formats (the HTTP API, remote clients):
 * <pre>
 * {"field": "age", "op": "gte", "value": 30}          op: eq ne gt gte lt lte
 * {"field": "city", "in": ["Munich", "Berlin"]}       also "notIn"
 * {"field": "title", "contains": "java"}
 * {"and": [f, f, ...]}  {"or": [f, f, ...]}  {"not": f}
 * </pre>
 * Values are JSON strings, booleans or numbers (integers read as long, decimals exactly); UUIDs travel as strings, which
 * compare equal to UUID fields stored as strings. Anything else is a clear error naming where it is.
 */
public final class MetaFilterJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private MetaFilterJson() {}

    public static MetaFilter parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filter is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static MetaFilter parse(JsonNode n) { return parse(n, "filter"); }

    private static MetaFilter parse(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(at + ": a filter must be a JSON object");
        }
        if (n.has("and") || n.has("or")) {
            String op = n.has("and") ? "and" : "or";
            only(n, at, op);
            JsonNode arr = n.get(op);
            if (!arr.isArray() || arr.size() < 2) {
                throw new IllegalArgumentException(at + "." + op + ": needs an array of at least two filters");
            }
            MetaFilter acc = parse(arr.get(0), at + "." + op + "[0]");
            for (int i = 1; i < arr.size(); i++) {
                MetaFilter next = parse(arr.get(i), at + "." + op + "[" + i + "]");
                acc = op.equals("and") ? new MetaFilter.And(acc, next) : new MetaFilter.Or(acc, next);
            }
            return acc;
        }
        if (n.has("not")) {
            only(n, at, "not");
            return new MetaFilter.Not(parse(n.get("not"), at + ".not"));
        }
        JsonNode f = n.get("field");
        if (f == null || !f.isTextual() || f.textValue().isBlank()) {
            throw new IllegalArgumentException(at + ": needs \"field\" (a non-blank string), or one of \"and\", \"or\", \"not\"");
        }
        String field = f.textValue();
        try {
            if (n.has("op")) {
                only(n, at, "field", "op", "value");
                String op = n.get("op").asText();
                MetaFilter.Op o;
                try {
                    o = MetaFilter.Op.valueOf(op.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ": unknown op '" + op + "' (use eq, ne, gt, gte, lt, lte)");
                }
                return new MetaFilter.Compare(field, o, value(n.get("value"), at + ".value"));
            }
            if (n.has("in") || n.has("notIn")) {
                String key = n.has("in") ? "in" : "notIn";
                only(n, at, "field", key);
                JsonNode arr = n.get(key);
                if (!arr.isArray()) {
                    throw new IllegalArgumentException(at + "." + key + ": needs an array of values");
                }
                List<Object> vs = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    vs.add(value(arr.get(i), at + "." + key + "[" + i + "]"));
                }
                return new MetaFilter.In(field, vs, key.equals("notIn"));
            }
            if (n.has("contains")) {
                only(n, at, "field", "contains");
                JsonNode c = n.get("contains");
                if (!c.isTextual()) {
                    throw new IllegalArgumentException(at + ".contains: needs a string");
                }
                return new MetaFilter.Contains(field, c.textValue());
            }
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(at) ? e : new IllegalArgumentException(at + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(at + ": needs \"op\" and \"value\", \"in\", \"notIn\" or \"contains\"");
    }

    private static Object value(JsonNode v, String at) {
        if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
            throw new IllegalArgumentException(at + ": a value must be a JSON string, number or boolean");
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue() : v.decimalValue();
    }

    private static void only(JsonNode n, String at, String... keys) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of(keys).contains(k)) {
                throw new IllegalArgumentException(at + ": unexpected key '" + k + "'");
            }
        }
    }

    /** The JSON form of a filter (and / or nest as two-element arrays). */
    public static JsonNode toJson(MetaFilter f) {
        ObjectNode o = JSON.createObjectNode();
        if (f instanceof MetaFilter.Compare c) {
            o.put("field", c.field()).put("op", c.op().name().toLowerCase(Locale.ROOT));
            o.set("value", valueNode(c.value()));
        } else if (f instanceof MetaFilter.In in) {
            ArrayNode a = o.put("field", in.field()).putArray(in.negated() ? "notIn" : "in");
            in.values().forEach(v -> a.add(valueNode(v)));
        } else if (f instanceof MetaFilter.Contains c) {
            o.put("field", c.field()).put("contains", c.text());
        } else if (f instanceof MetaFilter.And a) {
            o.putArray("and").add(toJson(a.left())).add(toJson(a.right()));
        } else if (f instanceof MetaFilter.Or a) {
            o.putArray("or").add(toJson(a.left())).add(toJson(a.right()));
        } else if (f instanceof MetaFilter.Not nf) {
            o.set("not", toJson(nf.inner()));
        }
        return o;
    }

    private static JsonNode valueNode(Object v) {
        if (v instanceof String || v instanceof UUID) {
            return JSON.getNodeFactory().textNode(v.toString());
        }
        if (v instanceof Boolean b) {
            return JSON.getNodeFactory().booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Long) {
            return JSON.getNodeFactory().numberNode(((Number) v).longValue()); // reads back as the long it was
        }
        return JSON.getNodeFactory().numberNode(v instanceof BigDecimal b ? b : new BigDecimal(v.toString()));
    }
}
