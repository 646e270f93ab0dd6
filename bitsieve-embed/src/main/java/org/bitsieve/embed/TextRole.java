package org.bitsieve.embed;

/**
 * What a text is used as. Asymmetric retrieval models (e5, bge) were trained with different prefixes for
 * queries and for the passages they should find; symmetric models (all-MiniLM) ignore the role.
 */
public enum TextRole {
    QUERY,
    PASSAGE
}
