package org.bitsieve.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;

/**
 * A model whose files are resources on the classpath, as the langchain4j model jars ship them
 * (e.g. {@code all-minilm-l6-v2.onnx} and {@code all-minilm-l6-v2-tokenizer.json} at the jar root).
 */
final class ClasspathModel implements ModelLocation {
    private final String modelResource;
    private final String tokenizerResource;
    private final String mavenCoordinate;

    ClasspathModel(String modelResource, String tokenizerResource, String mavenCoordinate) {
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.mavenCoordinate = mavenCoordinate;
    }

    @Override
    public String describe() {
        return "classpath resource " + modelResource + " from " + mavenCoordinate;
    }

    /** True when both files are on the classpath, i.e. the model jar is a dependency. */
    boolean available() {
        return url(modelResource) != null && url(tokenizerResource) != null;
    }

    String mavenCoordinate() { return mavenCoordinate; }

    @Override
    public OrtSession openSession(OrtEnvironment env, OrtSession.SessionOptions options)
            throws OrtException, IOException {
        URL url = require(modelResource);
        if ("file".equals(url.getProtocol())) {
            // exploded classpath (IDE, tests on target/classes): let ONNX Runtime map the file itself
            try {
                return env.createSession(Path.of(url.toURI()).toString(), options);
            } catch (URISyntaxException e) {
                // fall through to the byte path
            }
        }
        // inside a jar: ONNX Runtime cannot read zip entries, so hand it the bytes (garbage after loading)
        return env.createSession(readFully(url), options);
    }

    /** Reads into an array of the entry's exact size: readAllBytes would hold up to twice the 90 MB model. */
    private static byte[] readFully(URL url) throws IOException {
        URLConnection c = url.openConnection();
        long size = c.getContentLengthLong();
        try (InputStream in = c.getInputStream()) {
            if (size < 0 || size > Integer.MAX_VALUE - 16) {
                return in.readAllBytes();
            }
            byte[] bytes = new byte[(int) size];
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n != bytes.length) {
                throw new IOException(url + " ended after " + n + " of " + size + " bytes");
            }
            return bytes;
        }
    }

    @Override
    public InputStream openModel() throws IOException {
        return require(modelResource).openStream();
    }

    @Override
    public InputStream openTokenizer() throws IOException {
        return require(tokenizerResource).openStream();
    }

    private URL require(String resource) {
        URL url = url(resource);
        if (url == null) {
            throw new EmbeddingException("model file " + resource + " is not on the classpath; add the Maven dependency "
                    + mavenCoordinate + " (with its transitive dependencies excluded)");
        }
        return url;
    }

    private static URL url(String resource) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        URL url = tccl == null ? null : tccl.getResource(resource);
        return url != null ? url : ClasspathModel.class.getClassLoader().getResource(resource);
    }
}
