package org.bitsieve.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model in a local folder: an ONNX file and a tokenizer.json, named by the folder's descriptor. */
final class DirectoryModel implements ModelLocation {
    private final Path model;
    private final Path tokenizer;

    DirectoryModel(Path model, Path tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    @Override
    public String describe() {
        return model.toString();
    }

    @Override
    public OrtSession openSession(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
        return env.createSession(model.toString(), options);
    }

    @Override
    public InputStream openModel() throws IOException {
        return Files.newInputStream(model);
    }

    @Override
    public InputStream openTokenizer() throws IOException {
        return Files.newInputStream(tokenizer);
    }
}
