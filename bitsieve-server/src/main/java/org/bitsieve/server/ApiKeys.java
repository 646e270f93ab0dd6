package org.bitsieve.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * API keys, kept only as salted hashes. A key is 32 random bytes (base64url, prefixed {@code bsk_}); its config
 * entry holds {@code sha256:<salt hex>:<hash hex>} with a fresh 16-byte salt per key, so the config file never
 * holds a usable key and two entries never share a hash.
 *
 * <p>One SHA-256 round is enough because keys are generated with 256 bits of entropy: there is nothing to
 * brute-force, unlike a human password (which would need PBKDF2 and make every request pay for it). Keys
 * shorter than {@link #MIN_KEY_CHARS} are refused when hashed, so a guessable key cannot be configured.
 *
 * <p>Checking compares against every configured key with {@link MessageDigest#isEqual} (constant time) and
 * never stops early, so response timing does not reveal which key or how much of it matched.
 */
public final class ApiKeys {
    public static final int MIN_KEY_CHARS = 24;
    static final String PREFIX = "sha256:";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One configured key: a label for logs, its role, and the salted hash. */
    public record Entry(String name, Role role, byte[] salt, byte[] hash) {}

    private final List<Entry> entries;

    public ApiKeys(List<Entry> entries) { this.entries = List.copyOf(entries); }

    public boolean isEmpty() { return entries.isEmpty(); }

    public int size() { return entries.size(); }

    /** A fresh random key. */
    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "bsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The config form {@code sha256:<salt>:<hash>} of a key, with a fresh salt. */
    public static String hash(String key) {
        if (key == null || key.strip().length() < MIN_KEY_CHARS) {
            throw new IllegalArgumentException("an API key needs at least " + MIN_KEY_CHARS
                    + " characters; generate one with `bitsieve keys new`");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        HexFormat hex = HexFormat.of();
        return PREFIX + hex.formatHex(salt) + ":" + hex.formatHex(digest(salt, key.strip()));
    }

    /** Parses a config hash string; the message says what is malformed. */
    public static Entry parse(String name, Role role, String stored) {
        String what = "key '" + name + "'";
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalArgumentException(what + ": hash must look like sha256:<salt hex>:<hash hex> "
                    + "(from `bitsieve keys new` or `bitsieve keys hash`); plain keys are never stored");
        }
        String[] parts = stored.substring(PREFIX.length()).split(":", -1);
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected two ':'-separated hex fields after sha256:");
            }
            byte[] salt = HexFormat.of().parseHex(parts[0]);
            byte[] hash = HexFormat.of().parseHex(parts[1]);
            if (salt.length < 8 || hash.length != 32) {
                throw new IllegalArgumentException("salt must be at least 8 bytes and the hash 32 bytes");
            }
            return new Entry(name, role, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": malformed hash (" + e.getMessage() + ")");
        }
    }

    /** The entry this presented key matches, or null. Examines every entry whatever the outcome. */
    public Entry check(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return null;
        }
        Entry found = null;
        for (Entry e : entries) {
            boolean eq = MessageDigest.isEqual(digest(e.salt(), presented), e.hash());
            if (eq && found == null) {
                found = e;
            }
        }
        return found;
    }

    private static byte[] digest(byte[] salt, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            md.update(key.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
