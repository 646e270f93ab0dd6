package org.bitsieve.core.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Well-formed Unicode checks for every string that is stored or becomes a key. Java strings may hold lone
 * UTF-16 surrogates, which {@code getBytes(UTF_8)} silently turns into '?': two different ids would collapse
 * into one on disk. Refusing them at the edge keeps what is stored byte-for-byte what was acknowledged.
 */
public final class Unicode {
    private Unicode() {}

    /** Index of the first unpaired surrogate in {@code s}, or -1 when {@code s} is well-formed UTF-16. */
    public static int firstLoneSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean isWellFormed(CharSequence s) {
        return s == null || firstLoneSurrogate(s) < 0;
    }

    /**
     * Refuses a string with an unpaired surrogate.
     *
     * @param what names the value in the message, e.g. {@code "id"} or {@code "documents[3].text"}
     * @throws IllegalArgumentException saying where the bad character is
     */
    public static String requireWellFormed(String what, String s) {
        if (s != null) {
            int at = firstLoneSurrogate(s);
            if (at >= 0) {
                throw new IllegalArgumentException(what + " is not valid Unicode: it holds an unpaired UTF-16 surrogate (U+"
                        + String.format("%04X", (int) s.charAt(at)) + ") at character " + at);
            }
        }
        return s;
    }

    /**
     * Decodes strict UTF-8: overlong forms ({@code C0 AE}), encoded surrogates ({@code ED A0 80}), invalid or
     * missing continuation bytes and code points above U+10FFFF are all refused rather than replaced.
     *
     * @throws IllegalArgumentException naming {@code what} and the byte offset of the first bad sequence
     */
    public static String decodeUtf8(String what, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, (long) bytes.length + 1));
        var r = d.decode(in, out, true);
        if (r.isError()) {
            throw new IllegalArgumentException(what + " is not valid UTF-8 (bad byte sequence at byte " + in.position() + ")");
        }
        r = d.flush(out);
        if (r.isError()) {
            throw new IllegalArgumentException(what + " is not valid UTF-8 (truncated sequence at the end)");
        }
        return out.flip().toString();
    }

    /** True when {@code bytes} are strict UTF-8 (see {@link #decodeUtf8}). */
    public static boolean isValidUtf8(byte[] bytes) {
        return firstInvalidUtf8(bytes) < 0;
    }

    /**
     * Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: shortest form only, no
     * surrogates, nothing above U+10FFFF), or -1. Allocation-free, for request bodies of many megabytes.
     */
    public static int firstInvalidUtf8(byte[] b) {
        int n = b.length;
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80, hi = 0xBF; // allowed range of the second byte
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) {
                    lo = 0xA0; // overlong below U+0800
                } else if (c == 0xED) {
                    hi = 0x9F; // U+D800..U+DFFF: surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    lo = 0x90; // overlong below U+10000
                } else if (c == 0xF4) {
                    hi = 0x8F; // above U+10FFFF
                }
            } else {
                return i; // 80..C1 (continuation or overlong 2-byte lead), F5..FF
            }
            if (i + need >= n) { // truncated at the end
                return i;
            }
            int b1 = b[i + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int bk = b[i + k] & 0xFF;
                if (bk < 0x80 || bk > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}
