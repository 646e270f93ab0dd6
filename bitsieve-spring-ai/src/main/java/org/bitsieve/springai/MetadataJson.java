package org.bitsieve.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Spring AI document's metadata map as the store's JSON object and back. Values stay plain JSON so the store's
 * filters compare them directly; numbers read back as Integer, Long or Double (as most Spring AI stores return
 * them), strings as strings, booleans, lists and maps as Jackson reads them.
 */
final class MetadataJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private MetadataJson() {}

    static String encode(String id, Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document '" + id + "': metadata cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> decode(String json) {
        if (json == null || json.isEmpty()) {
            return new LinkedHashMap<>();
        }
        try {
            Map<String, Object> m = JSON.readValue(json, MAP);
            if (m == null) {
                return new LinkedHashMap<>();
            }
            m.values().removeIf(java.util.Objects::isNull); // a Spring AI Document refuses null values
            return m;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metadata is not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
