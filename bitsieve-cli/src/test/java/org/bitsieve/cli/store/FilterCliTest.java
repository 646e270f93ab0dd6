package org.bitsieve.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.cli.store.StoreCliTest.Run;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.bitsieve.cli.store.StoreCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --filter EXPR} on search, classify and delete; the older FIELD=VALUE form; errors. */
class FilterCliTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** 200 vectors in 2 clusters; metadata label = cluster, n = row, tag = "t" + row % 5. */
    private String[] collection() throws Exception {
        Random r = new Random(5);
        int n = 200;
        int dim = 16;
        float[] d = new float[n * dim];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = (float) ((j % 2 == label ? 1.0 : -1.0) + 0.5 * r.nextGaussian());
            }
            lines.add("{\"id\":\"doc-" + i + "\",\"text\":\"text " + i + "\",\"label\":" + label + ",\"n\":" + i + ",\"tag\":\"t" + (i % 5) + "\"}");
        }
        Path v = tmp.resolve("v.npy");
        Npy.write(v, new FloatMatrix(d, n, dim).normalizeRows());
        Path j = tmp.resolve("docs.jsonl");
        Files.write(j, lines);
        String coll = tmp.resolve("coll").toString();
        Run idx = run("index", coll, "--vectors", v.toString(), "--docs", j.toString(), "--bits", "32", "--encoder-kind", "pcaq", "-q");
        assertEquals(0, idx.code(), idx.err());
        return new String[] {coll, v.toString()};
    }

    private static List<JsonNode> metadata(Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String l : r.out().lines().toList()) {
            out.add(JSON.readTree(l).get("metadata"));
        }
        return out;
    }

    @Test
    void searchClassifyAndDeleteByExpression() throws Exception {
        String[] c = collection();
        List<JsonNode> hits = metadata(run("search", c[0], "--vector-file", c[1], "--row", "3", "-k", "200", "--json",
                "--filter", "label == 0 && (n < 50 || tag in ['t1', 't2']) && !(n == 10)"));
        int expected = 0;
        for (int i = 0; i < 200; i += 2) {
            expected += (i < 50 || i % 5 == 1 || i % 5 == 2) && i != 10 ? 1 : 0;
        }
        assertEquals(expected, hits.size(), "every match, and only those, with k = all");
        for (JsonNode m : hits) {
            int n = m.get("n").intValue();
            assertEquals(0, m.get("label").intValue());
            assertTrue((n < 50 || n % 5 == 1 || n % 5 == 2) && n != 10, m.toString());
        }
        List<JsonNode> legacy = metadata(run("search", c[0], "--vector-file", c[1], "--row", "4", "-k", "5", "--json", "--filter", "label=1"));
        assertEquals(5, legacy.size());
        legacy.forEach(m -> assertEquals(1, m.get("label").intValue(), "the older FIELD=VALUE form still works"));

        Run cl = run("classify", c[0], "--vector-file", c[1], "--row", "5", "--filter", "label == 0 && tag contains '3'");
        assertEquals(0, cl.code(), cl.err());
        assertTrue(cl.out().startsWith("label: 0"), "only label-0 neighbours can vote: " + cl.out());

        Run del = run("delete", c[0], "--filter", "n >= 150 || tag == 't4'");
        assertEquals(0, del.code(), del.err());
        int gone = 50 + 30; // n 150..199, plus n % 5 == 4 below 150
        assertTrue(del.out().startsWith("deleted " + gone + " documents matching (n >= 150 || tag == 't4')"), del.out());
        assertTrue(del.out().contains((200 - gone) + " documents left"), del.out());
        assertEquals(200 - gone, metadata(run("search", c[0], "--vector-file", c[1], "-k", "500", "--json")).size());
        Run none = run("delete", c[0], "--filter", "n > 1000");
        assertTrue(none.out().startsWith("deleted 0 documents"), none.out());
    }

    @Test
    void badFiltersAreOneLineErrorsAndWriteNothing() throws Exception {
        String[] c = collection();
        for (Run r : List.of(
                run("search", c[0], "--vector-file", c[1], "--filter", "n >"),
                run("search", c[0], "--vector-file", c[1], "--filter", "label == 'x'"),
                run("classify", c[0], "--vector-file", c[1], "--filter", "(label == 1"),
                run("delete", c[0], "--filter", "tag == 3"),
                run("delete", c[0], "doc-1", "--filter", "n > 3"),
                run("delete", c[0], "--filter", "n = = 3"))) {
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().startsWith("bitsieve: error: "), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        assertTrue(run("search", c[0], "--vector-file", c[1], "--filter", "n >").err().contains("at position 4: expected a value"));
        assertTrue(run("delete", c[0], "--filter", "tag == 3").err().contains("type mismatch"));
        assertTrue(run("delete", c[0], "doc-1", "--filter", "n > 3").err().contains("not both"));
        assertEquals(200, metadata(run("search", c[0], "--vector-file", c[1], "-k", "500", "--json")).size(), "nothing deleted");
    }
}
