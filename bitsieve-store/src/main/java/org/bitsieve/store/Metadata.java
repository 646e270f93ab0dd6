package org.bitsieve.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Metadata is a JSON object stored as text; filters and labels read one field of it as text. */
final class Metadata {
    static final ObjectMapper JSON = new ObjectMapper();

    private Metadata() {}

    /** Refuses anything but a JSON object (or null), so filters never meet surprises later. */
    static void check(String id, String json) {
        if (json == null) {
            return;
        }
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("document '" + id + "': metadata must be a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document '" + id + "': metadata is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The field's value as text (numbers and booleans as written, strings unquoted), or null. */
    static String fieldText(String json, String field) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode v = JSON.readTree(json).get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            return v.isValueNode() ? v.asText() : v.toString();
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
