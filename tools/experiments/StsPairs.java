import org.bitsieve.core.*;
import org.bitsieve.core.io.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/**
 * An STS-B split for the experiments: all-MiniLM's test split from the reference embeddings, anything else embedded
 * in-process through the embedding cache (e5 with its query role, as the benchmark does); texts read by TextInput.
 */
record StsPairs(FloatMatrix a, FloatMatrix b, double[] gold) {
  static StsPairs load(Path shared, String model, String split) throws Exception {
    Path f = shared.resolve("data/stsb/" + split + ".jsonl.gz");
    FloatMatrix a, b;
    if (model.equals("all-minilm-l6-v2") && split.equals("test")) {
      a = Npy.read(shared.resolve("embeddings/" + model + "/stsb/test_a.npy"));
      b = Npy.read(shared.resolve("embeddings/" + model + "/stsb/test_b.npy"));
    } else {
      TextRole role = model.startsWith("e5-") ? TextRole.QUERY : TextRole.PASSAGE;
      EmbeddingCache c = new EmbeddingCache(EmbeddingCache.defaultRoot());
      try (TextEmbedder e = Models.open(model)) {
        a = c.embedAll(e, TextInput.read(f, TextInput.Format.JSONL, "a"), role, (d, n) -> {});
        b = c.embedAll(e, TextInput.read(f, TextInput.Format.JSONL, "b"), role, (d, n) -> {});
      }
    }
    // scores are numbers, which TextInput (texts only) refuses
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Double> gold = new ArrayList<>();
    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(Files.newInputStream(f))))) {
      for (String l; (l = r.readLine()) != null; ) if (!l.isBlank()) gold.add(json.readTree(l).get("score").asDouble());
    }
    return new StsPairs(a, b, gold.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
