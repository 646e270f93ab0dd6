import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/** Does adding multi-sentence pseudo-documents (built from general sentences only) to the general fit help long-text sets?
 *  Proxy doc vector = normalised mean of k sentence embeddings (random sentences, or a seed sentence and its neighbours).
 *  Evaluated Tune-style on held-out parts of the train splits (never the bench's test rows). */
public class PseudoDocs {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    FloatMatrix all = generalVectors(sh);
    int N = all.rows(), d = all.dim();
    int[] perm = org.bitsieve.cli.FitCommand.sample(N, N, 42);
    FloatMatrix S = all.select(Arrays.copyOf(perm, 100000));
    int[] rest = Arrays.copyOfRange(perm, 100000, N);
    int M = Integer.getInteger("docs", 20000);
    Random r = new Random(11);
    float[] dr = new float[M*d], dn = new float[M*d];
    // random docs: k random sentences of the rest (the sentences outside the fit sample)
    FloatMatrix R = all.select(rest);
    for (int i=0;i<M;i++){ int k = 3 + r.nextInt(8);
      float[] acc = new float[d]; for (int u=0;u<k;u++){ float[] v = R.row(r.nextInt(R.rows())); for(int m=0;m<d;m++) acc[m]+=v[m]; }
      norm(acc); System.arraycopy(acc,0,dr,i*d,d); }
    // neighbour docs: a random sentence of the rest and its k-1 nearest neighbours there (float cosine)
    float[] Rd = R.data(); int nr = R.rows();
    java.util.stream.IntStream.range(0, M).parallel().forEach(i -> { Random rr = new Random(1000+i); int k = 3 + rr.nextInt(8); int s = rr.nextInt(nr);
      float[] sv = R.row(s); float[] best = new float[k]; int[] bi = new int[k]; Arrays.fill(best, -9);
      for (int j=0;j<nr;j++){ double dot=0; int o=j*d; for(int m=0;m<d;m++) dot+=sv[m]*Rd[o+m]; if (dot>best[k-1]) { int p=k-1; while(p>0 && best[p-1]<dot){best[p]=best[p-1];bi[p]=bi[p-1];p--;} best[p]=(float)dot; bi[p]=j; } }
      float[] acc = new float[d]; for (int u=0;u<k;u++){ int o=bi[u]*d; for(int m=0;m<d;m++) acc[m]+=Rd[o+m]; } norm(acc); System.arraycopy(acc,0,dn,i*d,d); });
    FloatMatrix DR = new FloatMatrix(dr, M, d), DN = new FloatMatrix(dn, M, d);
    String[] sets = HeldOut.SETS;
    List<Evaluator> evs = new ArrayList<>(); List<Double> fl = new ArrayList<>(); FloatMatrix imdbFit = null;
    for (HeldOut h : HeldOut.all(sh)) { evs.add(h.evaluator()); fl.add(h.floatAcc10());
      if (h.set().equals("imdb")) imdbFit = h.vectors().select(Arrays.copyOf(h.rest(), 5000)); }
    Map<String,FloatMatrix> fits = new LinkedHashMap<>();
    fits.put("sentences", S); fits.put("+randomdocs", concat(S, DR)); fits.put("+neighbourdocs", concat(S, DN)); fits.put("+imdb5k(upper)", concat(S, imdbFit));
    long[] seeds = {42, 1, 2};
    for (String name : fits.keySet()) {
      double ma=0, mh=0, mi=0; // means over the seeds: nine-set asymmetric, nine-set Hamming, IMDB Hamming
      for (long seed : seeds) {
        Encoder e = Encoders.fit("witq", fits.get(name), FitOptions.bits(256).withSeed(seed).withMaxSample(fits.get(name).rows()));
        double sa=0, sh2=0; StringBuilder per = new StringBuilder();
        for (int i=0;i<sets.length;i++){ EvalResult res = evs.get(i).evaluate(e, 0); sa += res.asymAcc10()-fl.get(i); sh2 += res.hammingAcc10()-fl.get(i); per.append(String.format(" %s %+.1f/%+.1f", sets[i], res.asymAcc10()-fl.get(i), res.hammingAcc10()-fl.get(i)));
          if (sets[i].equals("imdb")) mi += (res.hammingAcc10()-fl.get(i)) / seeds.length; }
        System.out.printf("%-16s seed %2d: avg asym %+.2f Hamming %+.2f |%s%n", name, seed, sa/sets.length, sh2/sets.length, per);
        ma += sa/sets.length/seeds.length; mh += sh2/sets.length/seeds.length;
      }
      System.out.printf("%-16s mean of %d seeds: avg asym %+.2f Hamming %+.2f, IMDB Hamming %+.2f%n", name, seeds.length, ma, mh, mi);
    }
  }
  /** all-MiniLM vectors of every general sentence, in corpus order (embedded once, then read from the tmp folder). */
  static FloatMatrix generalVectors(Path sh) throws Exception {
    Path gs = Path.of(System.getProperty("java.io.tmpdir"), "bitsieve-general-minilm-all.npy");
    if (Files.exists(gs)) return Npy.read(gs);
    List<String> t = TextInput.read(sh.resolve("data/general_sentences/train.jsonl.gz"), TextInput.Format.JSONL, "text");
    FloatMatrix all;
    try (TextEmbedder e = Models.open("all-minilm-l6-v2")) { EmbeddingCache c = new EmbeddingCache(EmbeddingCache.defaultRoot()); all = c.embedAll(e, t, TextRole.PASSAGE, (d, n) -> {}); System.out.println("cache misses " + c.misses()); }
    Npy.write(gs, all);
    return all;
  }
  static void norm(float[] v){ double s=0; for(float x:v) s+=x*x; float f=(float)(1/Math.sqrt(s)); for(int i=0;i<v.length;i++) v[i]*=f; }
  static FloatMatrix concat(FloatMatrix a, FloatMatrix b){ float[] x = Arrays.copyOf(a.data(), a.data().length + b.data().length); System.arraycopy(b.data(),0,x,a.data().length,b.data().length); return new FloatMatrix(x, a.rows()+b.rows(), a.dim()); }
}
