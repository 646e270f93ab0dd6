package org.bitsieve.core.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnicodeTest {
    @Test
    void loneSurrogatesAreFoundPairsAreNot() {
        assertEquals(1, Unicode.firstLoneSurrogate("x\ud800"));
        assertEquals(1, Unicode.firstLoneSurrogate("x\udc00"));
        assertEquals(0, Unicode.firstLoneSurrogate("\udc00\ud800"));   // reversed pair is two lone ones
        assertEquals(2, Unicode.firstLoneSurrogate("\ud83d\ude00\ud800"));
        assertEquals(-1, Unicode.firstLoneSurrogate("ok \ud83d\ude00 é"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Unicode.requireWellFormed("id", "dup\ud800"));
        assertTrue(e.getMessage().contains("id") && e.getMessage().contains("D800"), e.getMessage());
        assertEquals("fine", Unicode.requireWellFormed("id", "fine"));
    }

    @Test
    void strictUtf8RefusesOverlongSurrogatesAndBadContinuations() {
        for (byte[] bad : new byte[][] {
                {'x', (byte) 0xC0, (byte) 0xAE},                 // overlong '.'
                {'x', (byte) 0xE0, (byte) 0x80, (byte) 0xAE},    // overlong, 3 bytes
                {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80},    // an encoded high surrogate (CESU)
                {'x', (byte) 0xC3, (byte) 0x28},                 // invalid continuation
                {'x', (byte) 0x80},                              // stray continuation
                {'x', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
                {'x', (byte) 0xE2, (byte) 0x82},                 // truncated
        }) {
            assertFalse(Unicode.isValidUtf8(bad));
            assertThrows(IllegalArgumentException.class, () -> Unicode.decodeUtf8("body", bad));
        }
        // the hand-written validator agrees with the JDK's strict decoder on every 1..3-byte sequence
        java.util.Random r = new java.util.Random(7);
        for (int t = 0; t < 200_000; t++) {
            byte[] b = new byte[1 + r.nextInt(4)];
            r.nextBytes(b);
            boolean jdk;
            try {
                Unicode.decodeUtf8("x", b);
                jdk = true;
            } catch (IllegalArgumentException e) {
                jdk = false;
            }
            assertEquals(jdk, Unicode.isValidUtf8(b), java.util.HexFormat.of().formatHex(b));
        }
        String ok = "a\ud83d\ude00é";
        assertEquals(ok, Unicode.decodeUtf8("body", ok.getBytes(StandardCharsets.UTF_8)));
        assertTrue(Unicode.isValidUtf8(ok.getBytes(StandardCharsets.UTF_8)));
    }
}
