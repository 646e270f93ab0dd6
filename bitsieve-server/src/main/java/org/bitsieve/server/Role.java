package org.bitsieve.server;

import java.util.Locale;

/** What a key may do: {@code read} keys query, {@code write} keys also create, change and drop. */
public enum Role {
    READ, WRITE;

    public boolean allows(Role needed) { return this == WRITE || needed == READ; }

    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("role must be 'read' or 'write', got '" + s + "'");
    }

    public String wire() { return name().toLowerCase(Locale.ROOT); }
}
