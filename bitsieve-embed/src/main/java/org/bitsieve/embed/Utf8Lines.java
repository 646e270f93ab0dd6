package org.bitsieve.embed;

import org.bitsieve.core.io.FileFormatException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text file line by line, gzip or not (told by its magic bytes, not its name), decoding each line as
 * strict UTF-8. Decoding per line rather than through a Reader is what lets an invalid byte be reported with
 * its line number instead of silently becoming U+FFFD or failing somewhere in a buffer.
 */
final class Utf8Lines implements Closeable {
    private final Path path;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    private long lineNumber;

    Utf8Lines(Path path) throws IOException {
        this.path = path;
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        this.in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    }

    /** 1-based number of the line last returned by {@link #next()}. */
    long lineNumber() { return lineNumber; }

    Path path() { return path; }

    /** The next line without its line ending ({@code \n} or {@code \r\n}), or null at the end. */
    String next() throws IOException {
        buf.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (!any) {
            return null;
        }
        lineNumber++;
        byte[] bytes = buf.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        int start = 0;
        if (lineNumber == 1 && len >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF) {
            start = 3; // UTF-8 byte order mark, as spreadsheet exports write it
        }
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, start, len - start)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(path, "line " + lineNumber + ": invalid UTF-8 at byte "
                    + firstBadByte(bytes, start, len) + " of the line; the file must be UTF-8 encoded");
        }
    }

    /** 1-based column of the first byte that starts an invalid sequence (for the message only). */
    private int firstBadByte(byte[] bytes, int start, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bb = ByteBuffer.wrap(bytes, start, len - start);
        CharBuffer cb = CharBuffer.allocate(len + 1);
        d.decode(bb, cb, true);
        return bb.position() + 1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
