package org.bitsieve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's shell blocks marked {@code <!-- tested: ... -->} run as written, in bash, against a real server on a
 * free loopback port: {@code ./bitsieve} is a wrapper around this build's classes (the launcher would build with
 * Maven), and 8080 becomes the free port. Nothing else in the block is changed.
 */
class ReadmeSnippetsTest {
    @TempDir
    Path dir;

    static List<String> testedBlocks(String readme) {
        List<String> out = new ArrayList<>();
        String[] lines = readme.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("<!-- tested:") && i + 1 < lines.length && lines[i + 1].equals("```bash")) {
                StringBuilder b = new StringBuilder();
                for (int j = i + 2; j < lines.length && !lines[j].equals("```"); j++) {
                    b.append(lines[j]).append('\n');
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void theHttpSnippetRunsAsWritten() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String> blocks = testedBlocks(readme);
        assertFalse(blocks.isEmpty(), "the README marks no tested block");
        Path wrapper = dir.resolve("bitsieve");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(wrapper, "#!/usr/bin/env bash\nexec '" + java + "' -Dai.djl.offline=true -cp '" + System.getProperty("java.class.path")
                + "' org.bitsieve.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String block : blocks) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String script = "set -euo pipefail\n" + block.replace("8080", Integer.toString(port));
            Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.descendants().forEach(ProcessHandle::destroyForcibly); // a server left behind by a failed block
            p.destroyForcibly();
            assertTrue(done, "block did not finish in 180 s:\n" + block + "\n" + out);
            assertEquals(0, p.exitValue(), "block failed:\n" + block + "\noutput:\n" + out);
            if (block.contains("/search")) {
                // the search answers with the market sentence first
                int hits = out.indexOf("\"hits\"");
                assertTrue(hits >= 0 && out.indexOf("\"a1\"", hits) >= 0
                        && (out.indexOf("\"a2\"", hits) < 0 || out.indexOf("\"a1\"", hits) < out.indexOf("\"a2\"", hits)), out);
            }
        }
    }
}
