package org.bitsieve.embed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records over physical lines: fields split by a delimiter, a field may be quoted with {@code "},
 * a quote inside a quoted field is doubled, and a quoted field may span lines. A quote inside an unquoted
 * field is taken literally, as spreadsheet programs do.
 */
final class Csv {
    private final Utf8Lines lines;
    private final char delimiter;

    Csv(Utf8Lines lines, char delimiter) {
        this.lines = lines;
        this.delimiter = delimiter;
    }

    /** The next record's fields, or null at the end of the file. */
    List<String> next() throws IOException {
        String line = lines.next();
        if (line == null) {
            return null;
        }
        long startLine = lines.lineNumber();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;      // inside a quoted field
        boolean afterQuote = false;  // a quoted field just closed: only a delimiter or the end may follow
        int i = 0;
        while (true) {
            if (i == line.length()) {
                if (!quoted) {
                    fields.add(field.toString());
                    return fields;
                }
                line = lines.next(); // a quoted field goes on on the next line
                if (line == null) {
                    throw TextInput.error(lines, "a quoted field opened on line " + startLine + " is never closed");
                }
                field.append('\n');
                i = 0;
                continue;
            }
            char c = line.charAt(i++);
            if (quoted) {
                if (c != '"') {
                    field.append(c);
                } else if (i < line.length() && line.charAt(i) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (afterQuote) {
                throw TextInput.error(lines, "unexpected '" + c + "' after a closing quote (field "
                        + (fields.size() + 1) + "); a quote inside a quoted field must be doubled");
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else {
                field.append(c);
            }
        }
    }
}
