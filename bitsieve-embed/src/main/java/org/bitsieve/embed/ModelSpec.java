package org.bitsieve.embed;

/**
 * What must be known about a model besides its weights to use it as it was trained.
 *
 * @param name          stable model name, used in messages and cache keys
 * @param pooling       how token outputs become one vector
 * @param maxTokens     default token limit per text, special tokens included
 * @param queryPrefix   prepended to texts embedded as {@link TextRole#QUERY}
 * @param passagePrefix prepended to texts embedded as {@link TextRole#PASSAGE}
 * @param dimension     expected vector length; 0 = take whatever the model outputs
 */
public record ModelSpec(String name, Pooling pooling, int maxTokens, String queryPrefix, String passagePrefix,
                        int dimension) {
    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new EmbeddingException("a model needs a name");
        }
        if (pooling == null) {
            throw new EmbeddingException("model " + name + ": pooling is missing (mean or cls)");
        }
        if (maxTokens < 2) {
            throw new EmbeddingException("model " + name + ": maxTokens must be >= 2, got " + maxTokens);
        }
        if (dimension < 0) {
            throw new EmbeddingException("model " + name + ": dimension must be > 0, got " + dimension);
        }
        queryPrefix = queryPrefix == null ? "" : queryPrefix;
        passagePrefix = passagePrefix == null ? "" : passagePrefix;
    }

    /** The text as the model must see it for this role. */
    public String input(String text, TextRole role) {
        String prefix = role == TextRole.QUERY ? queryPrefix : passagePrefix;
        return prefix.isEmpty() ? text : prefix + text;
    }

    public ModelSpec withDimension(int d) {
        return new ModelSpec(name, pooling, maxTokens, queryPrefix, passagePrefix, d);
    }
}
