package org.bitsieve.core.io;

import java.util.Locale;

/**
 * Recognises a full disk in an I/O failure, for the messages that tell a user what to do (the CLI's one line, the
 * server's 507). The JDK reports ENOSPC, EDQUOT and EFBIG only as the kernel's message text, so the text is what is
 * matched.
 */
public final class DiskErrors {
    private DiskErrors() {}

    private static final String[] OUT_OF_SPACE = {"no space left on device", "disk quota exceeded", "file too large"};

    /** The out-of-space message in {@code e} or one of its causes, as the system worded it, or null when there is none. */
    public static String outOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                String low = m.toLowerCase(Locale.ROOT);
                for (String s : OUT_OF_SPACE) {
                    int at = low.indexOf(s);
                    if (at >= 0) {
                        return m.substring(at, at + s.length());
                    }
                }
            }
        }
        return null;
    }
}
