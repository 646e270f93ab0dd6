package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small things a first user tripped over (issue 21, item 6). */
class SmallFixesTest {
    @TempDir
    Path dir;

    @Test
    void enumValuesAreAcceptedInTheCaseHelpShows() throws Exception {
        Path in = dir.resolve("t.data");
        Files.writeString(in, "first line\n");
        CliTest.Run r = CliTest.run("embed", in.toString(), "--format", "lines", "-o", dir.resolve("t.npy").toString(), "--no-cache");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void outputFilesGetTheUmaskModeNotOwnerOnly() throws Exception {
        Path v = dir.resolve("v.npy");
        Npy.write(v, CliTest.vectors(200, 16, 1));
        Path enc = dir.resolve("e.bse");
        assertEquals(0, CliTest.run("fit", v.toString(), "-o", enc.toString(), "-b", "16", "-e", "sign").code());
        Path plain = Files.createFile(dir.resolve("plain")); // what the umask gives any new file
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        expected.remove(PosixFilePermission.OWNER_EXECUTE);
        assertEquals(expected, Files.getPosixFilePermissions(enc));
    }

    @Test
    void evalSaysWhyACappedKesieveRowIsMissing() throws Exception {
        FloatMatrix train = CliTest.vectors(120, 16, 2);
        Path tr = dir.resolve("train.npy");
        Npy.write(tr, train);
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            y.append(i % 2).append('\n');
        }
        Files.writeString(dir.resolve("y.txt"), y);
        CliTest.Run r = CliTest.run("eval", "-q", "--train", tr.toString(), "--train-labels", dir.resolve("y.txt").toString(),
                "--test", tr.toString(), "--test-labels", dir.resolve("y.txt").toString(), "-e", "kesieve", "-b", "2048",
                "-o", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("kesieve at 2048 bits: no separate row, because the sieve separated the 120 training vectors with"), r.err());
        assertTrue(Files.readString(dir.resolve("out/eval.md")).contains("kesieve at 2048 bits: no separate row"));
    }
}
