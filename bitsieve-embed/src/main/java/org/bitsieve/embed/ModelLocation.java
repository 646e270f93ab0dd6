package org.bitsieve.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;

/** Where a model's two files come from: resources inside a jar on the classpath, or a folder. */
interface ModelLocation {
    /** Human-readable origin for messages, e.g. the jar coordinate or the folder. */
    String describe();

    OrtSession openSession(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException, IOException;

    /** The ONNX file's bytes as a stream (for copying the model elsewhere); the caller closes it. */
    InputStream openModel() throws IOException;

    /** The tokenizer.json content; the caller closes the stream. */
    InputStream openTokenizer() throws IOException;
}
