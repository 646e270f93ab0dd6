package org.bitsieve.core.io;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.EncoderKind;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.Vectors;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The fitted-encoder file format ({@code .bse}), version 1. All integers little-endian.
 * <pre>
 *   magic     8 bytes  "BSENCODR"
 *   version   u32      1
 *   kind      u16 length + UTF-8     encoder family, e.g. "pcaq"
 *   dim       u32
 *   bits      u32
 *   params    u32 count, then per entry: u16 length + UTF-8 key, u32 length + UTF-8 value
 *   arrays    u32 count, then per array: u16 length + UTF-8 name, u32 length, float32 values
 *   crc32c    u32      over every byte before it
 * </pre>
 * A file is refused when the magic, version, checksum or length is wrong, or when the kind is unknown.
 * See docs/formats.md.
 */
public final class EncoderFiles {
    static final byte[] MAGIC = "BSENCODR".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    /** Sanity bounds checked before anything is allocated from them. */
    static final int MAX_DIM = 1 << 16, MAX_BITS = 1 << 16;

    private EncoderFiles() {}

    public static byte[] toBytes(Encoder e) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            LeOut out = new LeOut(bos);
            out.bytes(MAGIC);
            out.u32(VERSION);
            out.str16(e.kind());
            out.u32(e.dimension());
            out.u32(e.bits());
            Map<String, String> params = e.params();
            out.u32(params.size());
            for (Map.Entry<String, String> p : new java.util.TreeMap<>(params).entrySet()) {
                out.str16(p.getKey());
                byte[] v = p.getValue().getBytes(StandardCharsets.UTF_8);
                out.u32(v.length);
                out.bytes(v);
            }
            Map<String, float[]> arrays = e.arrays();
            out.u32(arrays.size());
            for (Map.Entry<String, float[]> a : arrays.entrySet()) {
                out.str16(a.getKey());
                out.u32(a.getValue().length);
                ByteBuffer bb = ByteBuffer.allocate(a.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(a.getValue());
                out.bytes(bb.array());
            }
            byte[] body = bos.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(body);
            ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            byte[] all = new byte[body.length + 4];
            System.arraycopy(body, 0, all, 0, body.length);
            System.arraycopy(tail.array(), 0, all, body.length, 4);
            return all;
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Saves atomically: a crash leaves either the old file or the new one. */
    public static void save(Encoder e, Path path) throws IOException {
        byte[] b = toBytes(e);
        AtomicFiles.write(path, out -> out.write(b));
    }

    public static Encoder load(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "encoder file not found");
        }
        return fromBytes(Files.readAllBytes(path), path);
    }

    public static Encoder load(InputStream in, String name) throws IOException {
        return fromBytes(in.readAllBytes(), Path.of(name));
    }

    /**
     * A stable 64-bit fingerprint of an encoder's content, recorded in code files and collection manifests to catch
     * mismatches: the first 8 bytes (big-endian) of the SHA-256 of its file bytes.
     */
    public static long fingerprint(Encoder e) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(toBytes(e));
            return java.nio.ByteBuffer.wrap(h).getLong();
        } catch (java.security.NoSuchAlgorithmException x) {
            throw new IllegalStateException("every Java platform has SHA-256", x);
        }
    }

    /**
     * The fingerprint that files written before 2026-11-28 recorded: CRC-32C and CRC-32 of the whole file. The
     * file ends with the CRC-32C of the bytes before it, and a CRC over data followed by its own CRC is a
     * constant, so its high half was the same for every encoder and it told encoders apart by 32 bits only.
     * Still accepted when reading (see {@link #matches}); never written.
     */
    public static long legacyFingerprint(Encoder e) {
        byte[] b = toBytes(e);
        CRC32C c = new CRC32C();
        c.update(b);
        long lo = c.getValue();
        java.util.zip.CRC32 c2 = new java.util.zip.CRC32();
        c2.update(b);
        return (lo << 32) | c2.getValue();
    }

    /** Whether a recorded fingerprint names this encoder (the current one, or the legacy one of older files). */
    public static boolean matches(Encoder e, long recorded) {
        return recorded == fingerprint(e) || recorded == legacyFingerprint(e);
    }

    public static Encoder fromBytes(byte[] b, Path path) throws IOException {
        if (b.length < MAGIC.length + 8) {
            throw new FileFormatException(path, "file is too short to be a bitsieve encoder (" + b.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                throw new FileFormatException(path, "not a bitsieve encoder file (bad magic bytes)");
            }
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.position(MAGIC.length);
        int version = bb.getInt();
        if (version != VERSION) {
            throw new FileFormatException(path, "encoder file version " + version + " is not supported (this build reads version "
                    + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        int stored = ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw new FileFormatException(path, "checksum mismatch: the encoder file is corrupt or truncated");
        }
        try {
            String kind = str16(bb);
            int dim = bb.getInt();
            int bits = bb.getInt();
            if (dim <= 0 || bits <= 0 || dim > MAX_DIM || bits > MAX_BITS) {
                throw new FileFormatException(path, "invalid dimension " + dim + " or bits " + bits);
            }
            int np = bb.getInt();
            if (np < 0 || np > bb.remaining()) {
                throw new FileFormatException(path, "parameter count " + np + " is impossible for the file's length");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < np; i++) {
                String k = str16(bb);
                int len = bb.getInt();
                if (len < 0 || len > bb.remaining()) { // a declared length is checked before it is allocated
                    throw new FileFormatException(path, "parameter '" + k + "' runs past the end of the file");
                }
                byte[] v = new byte[len];
                bb.get(v);
                params.put(k, new String(v, StandardCharsets.UTF_8));
            }
            int na = bb.getInt();
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (int i = 0; i < na; i++) {
                String name = str16(bb);
                int len = bb.getInt();
                if (len < 0 || (long) len * 4 > bb.remaining()) {
                    throw new FileFormatException(path, "array '" + name + "' runs past the end of the file");
                }
                float[] a = new float[len];
                bb.asFloatBuffer().get(a);
                bb.position(bb.position() + len * 4);
                for (int j = 0; j < len; j++) {
                    // NaN or huge parameters were once accepted and made every asymmetric search fail later
                    if (!Float.isFinite(a[j]) || Math.abs(a[j]) > Vectors.MAX_PARAMETER) {
                        throw new FileFormatException(path, "array '" + name + "' holds " + a[j] + " at index " + j
                                + "; encoder parameters must be finite and at most " + Vectors.MAX_PARAMETER + " in magnitude");
                    }
                }
                arrays.put(name, a);
            }
            if (bb.remaining() != 4) {
                throw new FileFormatException(path, bb.remaining() - 4 + " unexpected bytes after the arrays");
            }
            EncoderKind k;
            try {
                k = Encoders.kind(kind);
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(path, e.getMessage());
            }
            try {
                return k.restore(dim, bits, params, arrays);
            } catch (RuntimeException e) { // a restore that trips over inconsistent arrays is a bad file, not a bug here
                throw new FileFormatException(path, "inconsistent " + kind + " encoder: " + e.getMessage());
            }
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new FileFormatException(path, "encoder file is truncated or malformed");
        }
    }

    private static String str16(ByteBuffer bb) {
        int len = bb.getShort() & 0xFFFF;
        byte[] s = new byte[len];
        bb.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** Little-endian writer over a stream (DataOutputStream is big-endian). */
    static final class LeOut {
        private final DataOutputStream out;

        LeOut(java.io.OutputStream os) { out = new DataOutputStream(os); }

        void bytes(byte[] b) throws IOException { out.write(b); }

        void u32(int v) throws IOException { out.writeInt(Integer.reverseBytes(v)); }

        void str16(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IOException("string too long");
            }
            out.writeShort(Short.reverseBytes((short) b.length));
            out.write(b);
        }
    }
}
