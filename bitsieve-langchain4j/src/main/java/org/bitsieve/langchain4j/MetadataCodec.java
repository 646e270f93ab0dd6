package org.bitsieve.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A text segment's metadata as the store's JSON object. Values stay plain JSON (strings, numbers) so the
 * store's filters compare them directly; their LangChain4j types (int vs long, float vs double, UUID vs
 * string), which JSON cannot tell apart, ride along under one reserved key so a segment reads back equal.
 * A document stored without a segment has no metadata at all: that is how "no segment" is told from an
 * empty one.
 */
final class MetadataCodec {
    /** The reserved key; LangChain4j metadata may not use it. */
    static final String TYPES = "_lc4j_types";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private MetadataCodec() {}

    static String encode(TextSegment segment) {
        if (segment == null) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        ObjectNode types = JSON.createObjectNode();
        for (Map.Entry<String, Object> e : segment.metadata().toMap().entrySet()) {
            String k = e.getKey();
            if (TYPES.equals(k)) {
                throw new IllegalArgumentException("metadata key '" + TYPES + "' is reserved by the bitsieve store");
            }
            Object v = e.getValue();
            if (v instanceof String s) {
                o.put(k, s);
            } else if (v instanceof UUID u) {
                o.put(k, u.toString());
                types.put(k, "uuid");
            } else if (v instanceof Integer i) {
                o.put(k, i);
                types.put(k, "int");
            } else if (v instanceof Long l) {
                o.put(k, l);
                types.put(k, "long");
            } else if (v instanceof Float f) {
                // Float.toString's shortest decimal, so 0.1f is stored as 0.1 and compares equal to a 0.1f filter
                o.put(k, new BigDecimal(Float.toString(f)));
                types.put(k, "float");
            } else if (v instanceof Double d) {
                o.put(k, d);
                types.put(k, "double");
            } else {
                throw new IllegalArgumentException("metadata key '" + k + "' has an unsupported type " + v.getClass().getName());
            }
        }
        o.set(TYPES, types);
        return o.toString();
    }

    static TextSegment decode(String text, String json) {
        if (json == null) {
            return null;
        }
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metadata is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode types = o.path(TYPES);
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (TYPES.equals(k)) {
                continue;
            }
            JsonNode v = e.getValue();
            String t = types.path(k).asText(v.isNumber() ? "double" : "string");
            map.put(k, switch (t) {
                case "uuid" -> UUID.fromString(v.asText());
                case "int" -> v.intValue();
                case "long" -> v.longValue();
                case "float" -> v.decimalValue().floatValue();
                case "double" -> v.doubleValue();
                default -> v.asText();
            });
        }
        return TextSegment.from(text == null ? "" : text, new Metadata(map));
    }
}
