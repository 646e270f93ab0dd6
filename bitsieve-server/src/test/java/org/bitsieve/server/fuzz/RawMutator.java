package org.bitsieve.server.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte mutations for HTTP requests: flips, boundary bytes (CR, LF, NUL, 0x80, 0xFF, ':', '%'), truncation,
 * insertion, duplication and deletion of ranges. The request line and headers are hit as often as the body,
 * because that is where decoders differ.
 */
public final class RawMutator {
    private static final byte[] SPECIAL = {'\r', '\n', 0, (byte) 0x80, (byte) 0xFF, (byte) 0xC0, (byte) 0xED, ':', '%', ' ', '/', '.', '"',
            '\\', '{', '0', '9'};
    private static final String[] TOKENS = {"\r\n", "Content-Length: 99999999999\r\n", "Transfer-Encoding: chunked\r\n",
            "Content-Length: -1\r\n", "Content-Type: text/plain\r\n", "%2e%2e/", "%00", "HTTP/0.9", "HTTP/1.0", "Expect: 100-continue\r\n",
            "\\ud800", "Host: \r\n", " HTTP/1.1\r\n", "X: " + "a".repeat(9000) + "\r\n", "Authorization: Bearer x\r\n",
            // second round (HostileInputMoreTest): bad chunk sizes, invalid UTF-8 escapes in ids, a second key header
            "\r\nZZ\r\n", "\r\n-5\r\n", "\r\nFFFFFFFFFFFFFFFFFFFF\r\n", "%FF", "%C0%AE", "%ED%A0%80", "X-API-Key: x\r\n"};

    private RawMutator() {}

    public static byte[] mutate(List<byte[]> seeds, Random r) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            b = once(b, r, headEnd(b));
        }
        return b;
    }

    /** Mutations of a body only (the framing is recomputed by the caller). */
    public static byte[] mutateBody(byte[] b, Random r) {
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            b = once(b, r, b.length);
        }
        return b;
    }

    private static int headEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
        }
        return b.length;
    }

    private static byte[] once(byte[] b, Random r, int focus) {
        int len = b.length;
        if (len == 0) {
            return new byte[] {SPECIAL[r.nextInt(SPECIAL.length)]};
        }
        // half of the time, aim at the request line and headers
        int at = r.nextBoolean() && focus > 0 ? r.nextInt(Math.min(focus, len)) : r.nextInt(len);
        switch (r.nextInt(7)) {
            case 0 -> {
                b[at] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {
                b[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                return b;
            }
            case 2 -> {
                return Arrays.copyOf(b, r.nextInt(len));
            }
            case 3 -> {
                byte[] ins = TOKENS[r.nextInt(TOKENS.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                return splice(b, at, 0, ins);
            }
            case 4 -> {
                byte[] ins = new byte[1 + r.nextInt(8)];
                r.nextBytes(ins);
                return splice(b, at, 0, ins);
            }
            case 5 -> {
                int to = at + r.nextInt(Math.min(64, len - at) + 1);
                return splice(b, r.nextInt(len + 1), 0, Arrays.copyOfRange(b, at, to));
            }
            default -> {
                return splice(b, at, r.nextInt(Math.min(32, len - at) + 1), new byte[0]);
            }
        }
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
