package org.bitsieve.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code spring.ai.vectorstore.bitsieve.*}: where the collection lives and how a new one is made and searched. */
@ConfigurationProperties(BitsieveVectorStoreProperties.CONFIG_PREFIX)
public class BitsieveVectorStoreProperties {
    public static final String CONFIG_PREFIX = "spring.ai.vectorstore.bitsieve";

    /** The folder that holds the collections (required for the in-process store). */
    private String path;

    /** A bitsieve server's base URL (e.g. http://127.0.0.1:8080): when set, the store is the server's collection instead of a folder. */
    private String url;

    /** The API key (write role) for {@code url}; empty for a server without keys. */
    private String apiKey;

    /** The collection's name: a subfolder of {@code path}. */
    private String collectionName = "vector_store";

    /** The bundled model whose shipped encoder a new collection uses, and (unless the application has its own EmbeddingModel bean) the embedding model. */
    private String model = "all-minilm-l6-v2";

    /** Bits per code for a new collection (128, 256 or 512). */
    private int bits = 256;

    /** Create the collection when it does not exist; off, a missing collection fails startup. */
    private boolean createIfMissing = true;

    /** Candidates re-ranked by exact cosine per result in large collections. */
    private int oversample = 10;

    /** Collections up to this many documents re-rank every candidate, so their results are exact. */
    private int exactBelow = 10_000;

    public String getPath() { return path; }

    public void setPath(String path) { this.path = path; }

    public String getUrl() { return url; }

    public void setUrl(String url) { this.url = url; }

    public String getApiKey() { return apiKey; }

    public void setApiKey(String apiKey) { this.apiKey = apiKey; }

    public String getCollectionName() { return collectionName; }

    public void setCollectionName(String collectionName) { this.collectionName = collectionName; }

    public String getModel() { return model; }

    public void setModel(String model) { this.model = model; }

    public int getBits() { return bits; }

    public void setBits(int bits) { this.bits = bits; }

    public boolean isCreateIfMissing() { return createIfMissing; }

    public void setCreateIfMissing(boolean createIfMissing) { this.createIfMissing = createIfMissing; }

    public int getOversample() { return oversample; }

    public void setOversample(int oversample) { this.oversample = oversample; }

    public int getExactBelow() { return exactBelow; }

    public void setExactBelow(int exactBelow) { this.exactBelow = exactBelow; }
}
