package org.bitsieve.store.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter cases shared with the browser library (filter-cases.json, read by web/test/filter.test.mjs too): the
 * text and JSON forms give the same filter and the expected pass / fail / error per document, and the malformed
 * expressions give the same positions, so both implementations agree case by case.
 */
class MetaFilterCasesTest {
    @Test
    void sharedCases() throws Exception {
        JsonNode all;
        try (InputStream in = MetaFilterCasesTest.class.getResourceAsStream("filter-cases.json")) {
            all = new ObjectMapper().readTree(in);
        }
        JsonNode docs = all.get("documents");
        int n = 0;
        for (JsonNode c : all.get("cases")) {
            String text = c.get("text").asText();
            MetaFilter fromText = MetaFilterText.parse(text);
            MetaFilter fromJson = MetaFilterJson.parse(c.get("json"));
            assertEquals(MetaFilterTextTest.numeric(fromJson), MetaFilterTextTest.numeric(fromText), text);
            for (int d = 0; d < docs.size(); d++) {
                JsonNode doc = docs.get(d).isNull() ? null : docs.get(d);
                String want = c.get("expect").get(d).asText();
                for (MetaFilter f : new MetaFilter[] {fromText, fromJson}) {
                    String got;
                    try {
                        got = String.valueOf(f.test(doc));
                    } catch (IllegalArgumentException e) {
                        got = "error";
                    }
                    assertEquals(want, got, text + " on document " + d);
                    n++;
                }
            }
        }
        assertTrue(n > 100);
        // the streaming field reader the scan's columns use reads every field as the tree does
        for (JsonNode doc : docs) {
            if (doc.isObject()) {
                byte[] utf8 = doc.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (String field : new String[] {"genre", "year", "rating", "draft", "u", "name", "missing"}) {
                    assertEquals(MetaFilter.fieldOf(doc.toString(), field), MetaFilter.fieldOf(utf8, field), doc + " " + field);
                }
            }
        }
        for (JsonNode e : all.get("errors")) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> MetaFilterText.parse(e.get(0).asText()));
            assertTrue(x.getMessage().contains(e.get(1).asText()), e.get(0).asText() + " gave " + x.getMessage());
        }
    }

    @Test
    void streamingFieldReaderEqualsTheTree() {
        String[] values = {"1", "-2.50", "1e3", "\"s\"", "\"\\u00e9\\\"\"", "true", "null", "[1,{\"a\":2}]", "{\"a\":{\"b\":[]}}", "12345678901234567890"};
        org.bitsieve.core.io.fuzz.FuzzLoop.run("MetaFilter.fieldOf streaming", 2000, r -> {
            StringBuilder b = new StringBuilder("{");
            int n = r.nextInt(6);
            for (int i = 0; i < n; i++) {
                b.append(i > 0 ? "," : "").append("\"").append((char) ('a' + r.nextInt(4))).append("\":").append(values[r.nextInt(values.length)]);
            }
            String json = b.append("}").toString(); // keys may repeat: the last wins in both
            for (String field : new String[] {"a", "b", "c", "d", "e"}) {
                assertEquals(MetaFilter.fieldOf(json, field), MetaFilter.fieldOf(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), field), json + " " + field);
            }
        });
    }
}
