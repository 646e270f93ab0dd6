package org.bitsieve.embed;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.bitsieve.core.FloatMatrix;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transformer encoder run by ONNX Runtime: tokenize, pad per batch, run, pool over the attention mask,
 * L2-normalise. Texts are sorted by token count before batching so that a batch holds texts of similar
 * length and padding (wasted compute) stays small; results go back to input order.
 */
final class OnnxTextEmbedder implements TextEmbedder {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** Texts tokenized at once: enough for length sorting to pay off, few enough to keep token arrays small. */
    private static final int CHUNK_BATCHES = 64;

    private final ModelSpec spec;
    private final int maxTokens;
    private final int batchSize;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final Tokenizer tokenizer;
    private final boolean feedTokenTypes;
    private final boolean int32Inputs;
    private final String outputName;
    private final int dimension;
    private EmbedStats stats = EmbedStats.ZERO;

    private OnnxTextEmbedder(ModelSpec spec, int maxTokens, int batchSize, OrtEnvironment env,
                             OrtSession.SessionOptions sessionOptions, OrtSession session, Tokenizer tokenizer,
                             String where) throws OrtException {
        this.spec = spec;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.session = session;
        this.tokenizer = tokenizer;

        Map<String, NodeInfo> inputs = session.getInputInfo();
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(required)) {
                throw new EmbeddingException(where + ": the ONNX model has no '" + required + "' input (inputs: "
                        + inputs.keySet() + "); only BERT-style text encoders are supported");
            }
        }
        Set<String> known = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
        for (String name : inputs.keySet()) {
            if (!known.contains(name)) {
                throw new EmbeddingException(where + ": the ONNX model needs an input '" + name
                        + "' that a text encoder does not have; inputs: " + inputs.keySet());
            }
        }
        // some exports (e.g. distilled models) drop token_type_ids; feeding an unknown input is an ORT error
        this.feedTokenTypes = inputs.containsKey(TOKEN_TYPE_IDS);
        this.int32Inputs = ((TensorInfo) inputs.get(INPUT_IDS).getInfo()).type == OnnxJavaType.INT32;
        this.outputName = pickOutput(session.getOutputInfo(), where);

        long[] shape = ((TensorInfo) session.getOutputInfo().get(outputName).getInfo()).getShape();
        int modelDim = shape.length > 0 && shape[shape.length - 1] > 0 ? (int) shape[shape.length - 1] : -1;
        if (modelDim < 0) {
            // dynamic hidden size in the graph: find it by running once
            modelDim = runBatch(List.of(tokenizer.encode(List.of("probe"))[0])).length;
        }
        if (spec.dimension() > 0 && spec.dimension() != modelDim) {
            throw new EmbeddingException(where + ": the model outputs vectors of dimension " + modelDim
                    + " but model " + spec.name() + " is declared with dimension " + spec.dimension());
        }
        this.dimension = modelDim;
    }

    static OnnxTextEmbedder open(ModelSpec spec, ModelLocation location, EmbedOptions options) {
        int maxTokens = options.maxTokens() > 0 ? options.maxTokens() : spec.maxTokens();
        Tokenizer tokenizer = Tokenizer.open(location, maxTokens);
        OrtEnvironment env;
        OrtSession.SessionOptions so = null;
        OrtSession session = null;
        try {
            env = OrtEnvironment.getEnvironment();
            so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(options.effectiveThreads());
            // one inference at a time: inter-op threads would only compete with the intra-op pool
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = location.openSession(env, so);
            return new OnnxTextEmbedder(spec, maxTokens, options.batchSize(), env, so, session, tokenizer,
                    location.describe());
        } catch (OrtException | IOException | RuntimeException | UnsatisfiedLinkError | ExceptionInInitializerError e) {
            closeQuietly(session, so, tokenizer);
            if (e instanceof EmbeddingException ee) {
                throw ee;
            }
            throw new EmbeddingException("cannot load model " + spec.name() + " from " + location.describe() + ": "
                    + oneLine(e), e);
        }
    }

    /** The per-token output: prefer the conventional name, else the first 3-d float output. */
    private static String pickOutput(Map<String, NodeInfo> outputs, String where) {
        for (String preferred : List.of("last_hidden_state", "token_embeddings")) {
            if (outputs.containsKey(preferred)) {
                return preferred;
            }
        }
        for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t && t.getShape().length == 3
                    && t.type == OnnxJavaType.FLOAT) {
                return e.getKey();
            }
        }
        throw new EmbeddingException(where + ": the ONNX model has no [batch, tokens, dim] float output (outputs: "
                + outputs.keySet() + ")");
    }

    @Override
    public String modelName() { return spec.name(); }

    @Override
    public int dimension() { return dimension; }

    @Override
    public int maxTokens() { return maxTokens; }

    @Override
    public EmbedStats stats() { return stats; }

    @Override
    public float[][] embed(List<String> texts, TextRole role) {
        FloatMatrix m = embedAll(texts, role, ProgressListener.NONE);
        float[][] out = new float[m.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.row(i);
        }
        return out;
    }

    @Override
    public FloatMatrix embedAll(List<String> texts, TextRole role, ProgressListener progress) {
        TextChecks.requireNonBlank(texts);
        int n = texts.size();
        float[] out = new float[n * dimension];
        int chunk = batchSize * CHUNK_BATCHES;
        long done = 0;
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            List<String> inputs = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                inputs.add(spec.input(texts.get(i), role));
            }
            Tokenizer.Tokens[] tokens = tokenizer.encode(inputs);
            Integer[] order = new Integer[tokens.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // longest first: a batch that does not fit in memory fails at once, not at the end
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> tokens[i].length()).reversed());
            for (int b = 0; b < order.length; b += batchSize) {
                int bEnd = Math.min(order.length, b + batchSize);
                List<Tokenizer.Tokens> batch = new ArrayList<>(bEnd - b);
                for (int k = b; k < bEnd; k++) {
                    batch.add(tokens[order[k]]);
                }
                float[][] vectors = runBatch(batch);
                for (int k = b; k < bEnd; k++) {
                    System.arraycopy(vectors[k - b], 0, out, (start + order[k]) * dimension, dimension);
                }
                done += bEnd - b;
                progress.progress(done, n);
            }
            long tokenCount = 0;
            long truncated = 0;
            for (Tokenizer.Tokens t : tokens) {
                tokenCount += t.length();
                truncated += t.truncated() ? 1 : 0;
            }
            stats = stats.plus(new EmbedStats(tokens.length, tokenCount, truncated));
        }
        return new FloatMatrix(out, n, dimension);
    }

    /** Runs one padded batch and returns one pooled, unit-length vector per text. */
    private float[][] runBatch(List<Tokenizer.Tokens> batch) {
        int b = batch.size();
        int len = 0;
        for (Tokenizer.Tokens t : batch) {
            len = Math.max(len, t.length());
        }
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] types = new long[b * len];
        for (int i = 0; i < b; i++) {
            Tokenizer.Tokens t = batch.get(i);
            System.arraycopy(t.ids(), 0, ids, i * len, t.length());
            System.arraycopy(t.typeIds(), 0, types, i * len, t.length());
            Arrays.fill(mask, i * len, i * len + t.length(), 1L);
        }
        long[] shape = {b, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(INPUT_IDS, tensor(ids, shape));
            feed.put(ATTENTION_MASK, tensor(mask, shape));
            if (feedTokenTypes) {
                feed.put(TOKEN_TYPE_IDS, tensor(types, shape));
            }
            try (OrtSession.Result result = session.run(feed, Set.of(outputName))) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hs = hidden.getInfo().getShape();
                if (hs.length != 3 || hs[0] != b || hs[1] != len) {
                    throw new EmbeddingException("model " + spec.name() + " returned shape " + Arrays.toString(hs)
                            + " for a batch of shape " + Arrays.toString(shape));
                }
                int dim = (int) hs[2];
                FloatBuffer fb = hidden.getFloatBuffer();
                float[] h = new float[fb.remaining()];
                fb.get(h);
                float[][] out = new float[b][dim];
                for (int i = 0; i < b; i++) {
                    spec.pooling().pool(h, i * len * dim, batch.get(i).length(), dim, out[i], 0);
                    normalize(out[i]);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new EmbeddingException("model " + spec.name() + " failed on a batch of " + b + " texts x " + len
                    + " tokens: " + oneLine(e), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(long[] values, long[] shape) throws OrtException {
        if (!int32Inputs) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
        }
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = (int) values[i];
        }
        return OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
    }

    private static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s > 0) {
            double inv = 1.0 / Math.sqrt(s);
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (v[j] * inv);
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so, Tokenizer tokenizer) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // already failing; the original error is the one to report
        }
        if (so != null) {
            so.close();
        }
        tokenizer.close();
    }

    @Override
    public void close() {
        closeQuietly(session, sessionOptions, tokenizer);
    }
}
