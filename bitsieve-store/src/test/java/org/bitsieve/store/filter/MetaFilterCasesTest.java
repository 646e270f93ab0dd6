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
        for (JsonNode e : all.get("errors")) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> MetaFilterText.parse(e.get(0).asText()));
            assertTrue(x.getMessage().contains(e.get(1).asText()), e.get(0).asText() + " gave " + x.getMessage());
        }
    }
}
