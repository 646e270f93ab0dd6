package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;

import java.nio.file.Path;
import java.util.List;

/** {@link InDomainValidation}'s validation splits for experiments in other packages. */
public final class InDomainValidationAccess {
    public record Split(FloatMatrix db, int[] dbLabels, FloatMatrix q, int[] qLabels) {}

    private InDomainValidationAccess() {}

    public static List<String> sets() { return InDomainValidation.SETS.stream().filter(s -> !s.equals("mpqa")).toList(); }

    /** The benchmark's own split: the whole train split against the test split (AG News: 80% / 20% of its test file, seed 42). */
    public static Split testSplit(Path shared, String set) throws Exception {
        boolean ag = set.equals("agnews");
        java.util.function.Function<String, Path> data = f -> shared.resolve("data").resolve(set).resolve(f + ".jsonl.gz");
        java.util.function.Function<String, Path> emb = f -> shared.resolve("embeddings/all-minilm-l6-v2").resolve(set).resolve(f + ".npy");
        if (!ag) {
            // one numbering of the label values for both files (numbered per file, the same label could get two numbers)
            int[][] y = labels(data.apply("train"), data.apply("test"));
            return new Split(org.bitsieve.core.io.Npy.read(emb.apply("train")), y[0], org.bitsieve.core.io.Npy.read(emb.apply("test")), y[1]);
        }
        int[] y = InDomainValidation.labels(data.apply("test"));
        FloatMatrix all = org.bitsieve.core.io.Npy.read(emb.apply("test"));
        int[] perm = InDomainValidation.permutation(y.length, 42);
        int cut = (int) Math.round(y.length * 0.8);
        int[] tr = java.util.Arrays.copyOfRange(perm, 0, cut);
        int[] te = java.util.Arrays.copyOfRange(perm, cut, perm.length);
        java.util.Arrays.sort(tr);
        java.util.Arrays.sort(te);
        return new Split(all.select(tr), InDomainValidation.pick(y, tr), all.select(te), InDomainValidation.pick(y, te));
    }

    static int[][] labels(Path... files) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        int[][] out = new int[files.length][];
        for (int f = 0; f < files.length; f++) {
            java.util.List<Integer> y = new java.util.ArrayList<>();
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(files[f])), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        y.add(ids.computeIfAbsent(om.readTree(line).path("label").asText(), k -> ids.size()));
                    }
                }
            }
            out[f] = y.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    public static Split split(Path shared, String set) throws Exception {
        InDomainValidation.Split s = InDomainValidation.split(shared, set);
        return new Split(s.db(), s.dbLabels(), s.q(), s.qLabels());
    }
}
