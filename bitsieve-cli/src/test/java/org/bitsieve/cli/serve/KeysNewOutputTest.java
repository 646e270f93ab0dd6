package org.bitsieve.cli.serve;

import org.bitsieve.cli.Main;
import org.bitsieve.server.ApiKeys;
import org.bitsieve.server.Role;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `keys new` hands out what `serve` takes as it is: a --key argument, or shell assignments with --env. */
class KeysNewOutputTest {
    static String out(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsAReadyToPasteKeyArgumentThatMatchesTheKey() {
        String o = out("keys", "new", "--role", "write");
        Matcher k = Pattern.compile("(?m)^key: +(bsk_\\S+)$").matcher(o);
        Matcher s = Pattern.compile("(?m)^server: --key (write):(sha256:\\S+)$").matcher(o);
        assertTrue(k.find() && s.find(), o);
        ApiKeys.Entry e = ApiKeys.parse("t", Role.parse(s.group(1)), s.group(2));
        assertTrue(new ApiKeys(java.util.List.of(e)).check(k.group(1)) != null, "the --key hash is the key's");
    }

    @Test
    void envPrintsShellAssignmentsOnly() {
        String o = out("keys", "new", "--env");
        assertTrue(o.matches("KEY=bsk_[A-Za-z0-9_-]+\nKEY_ENTRY=read:sha256:[0-9a-f]+:[0-9a-f]+\n"), o);
    }
}
