package org.bitsieve.cli.demo;

import org.bitsieve.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `bitsieve demo`, the README's first command, on the real model and the shipped sample: it needs no data folder
 * (the test points the shared folder at an empty directory) and its numbers are sane.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsFromTheJarAloneAndPrintsSaneNumbers() throws Exception {
        String realShared = System.getProperty("bitsieve.shared");
        System.setProperty("bitsieve.shared", dir.resolve("no-shared").toString());
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        Path coll = dir.resolve("demo").resolve("sample");
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run("demo", "--cache", dir.resolve("cache").toString(), "--collection", coll.toString(), "--recall-queries", "100");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            if (realShared == null) {
                System.clearProperty("bitsieve.shared");
            } else {
                System.setProperty("bitsieve.shared", realShared); // other tests of this JVM read it
            }
        }
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(o.contains("3,000 English sentences from Tatoeba (CC BY 2.0 FR"), o);
        // the first example query finds a sentence about a station among its top 3
        String first = o.substring(o.indexOf("query: Where is the train station?"), o.indexOf("query: I am hungry"));
        assertTrue(first.toLowerCase().contains("station"), first);
        Matcher size = Pattern.compile("size: +96\\.0 KB of codes against 4\\.61 MB of float32 vectors \\(48x smaller\\)").matcher(o);
        assertTrue(size.find(), o);
        Matcher acc = Pattern.compile("([0-9.]+)% with codes alone \\(asymmetric\\), ([0-9.]+)% with the default search").matcher(o);
        assertTrue(acc.find(), o);
        double codes = Double.parseDouble(acc.group(1));
        double reranked = Double.parseDouble(acc.group(2));
        assertTrue(codes > 40 && codes < 95, "codes-only recall@10 " + codes);
        assertTrue(reranked > 90 && reranked > codes, "re-ranked recall@10 " + reranked);
        assertTrue(Files.exists(coll.resolve("MANIFEST")), "the collection is kept for the next steps");
        assertTrue(o.contains("./bitsieve shell " + coll), o);
        // a second run replaces the demo's own collection instead of failing on it
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("demo", "--collection", coll.toString(), "--recall-queries", "10", "-b", "128",
                    "--cache", dir.resolve("cache").toString()));
        } finally {
            System.setOut(oldOut);
        }
    }
}
