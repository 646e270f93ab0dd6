package org.bitsieve.embed;

import java.io.IOException;
import java.io.InputStream;

/**
 * A model's two files and the spec that says how to use them (pooling, token limit, prefixes), as found by
 * {@link Models#files(String)}: what another runtime (the browser) needs to embed exactly as this module does.
 */
public final class ModelFiles {
    private final ModelSpec spec;
    private final ModelLocation location;

    ModelFiles(ModelSpec spec, ModelLocation location) {
        this.spec = spec;
        this.location = location;
    }

    public ModelSpec spec() { return spec; }

    /** Where the files come from, for messages. */
    public String describe() { return location.describe(); }

    /** The ONNX model; the caller closes the stream. */
    public InputStream openModel() throws IOException { return location.openModel(); }

    /** The tokenizer.json; the caller closes the stream. */
    public InputStream openTokenizer() throws IOException { return location.openTokenizer(); }
}
