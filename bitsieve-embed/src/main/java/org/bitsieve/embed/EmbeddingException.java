package org.bitsieve.embed;

/**
 * Anything that stops texts from becoming vectors: unknown model, broken model folder, bad input text,
 * a failure inside ONNX Runtime or the tokenizer. The message is meant for the user as it is.
 */
public class EmbeddingException extends RuntimeException {
    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
